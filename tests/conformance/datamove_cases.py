"""Random single-operator TensorFlow models for the data movement operators (TRANSPOSE, SLICE,
STRIDED_SLICE with every mask bit, SPLIT, SPLIT_V, PACK, UNPACK, SQUEEZE, EXPAND_DIMS, GATHER,
TILE, DEPTH_TO_SPACE, SPACE_TO_DEPTH) and ARG_MAX/ARG_MIN against LiteRT. Each case is a tf.function converted by
tf.lite.TFLiteConverter: float32, int32, int64 and bool inputs as they are, int8 and uint8 by
full-integer quantization with a representative dataset. LiteRT (resolver BUILTIN_REF by
default) and lowbit-run (reference kernels by default) run the same random inputs, and every
output's bytes must be equal.

  TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/conformance/datamove_cases.py [--cases 4]
      [--ops transpose,gather] [--dtypes float32,int8] [--seed N] [--kernel auto]

scripts/conformance.sh --datamove-cases builds the tools and runs this. Exit status 1 on any
difference, or when a case fails to convert or run in lowbit.
"""
import argparse
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import machine  # noqa: E402

DTYPES = ("float32", "int8", "uint8", "int32", "int64", "bool")
# depth/space rearrangements: TFLite has no bool kernels for them.
NO_BOOL = {"depth_to_space", "space_to_depth"}
# ARG_MAX/ARG_MIN read values: lowbit takes float32, int8, uint8 and int32.
VALUE_DTYPES = {"float32", "int8", "uint8", "int32"}
ARG_OPS = {"arg_max", "arg_min", "raw_arg_max", "raw_arg_min"}


def random_shape(rng, rank, low=1, high=5):
    return [rng.randint(low, high) for _ in range(rank)]


def case_transpose(rng, tf):
    shape = random_shape(rng, rng.randint(1, 5))
    perm = list(range(len(shape)))
    rng.shuffle(perm)
    return [shape], lambda x: tf.transpose(x, perm), f"perm={perm}"


def case_slice(rng, tf):
    shape = random_shape(rng, rng.randint(1, 5), 1, 6)
    begin = [rng.randint(0, d - 1) for d in shape]
    size = [rng.choice([-1, rng.randint(1, d - b)]) for d, b in zip(shape, begin)]
    return [shape], lambda x: tf.slice(x, begin, size), f"begin={begin} size={size}"


def case_strided_slice(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 7)
    n = len(shape)
    strides = [rng.choice([1, 1, 2, 3, -1, -2]) for _ in shape]
    begin, end = [], []
    for d, stride in zip(shape, strides):
        if rng.random() < 0.25:  # anything, clamped (often empty)
            b, e = rng.randint(-d - 2, d + 2), rng.randint(-d - 2, d + 2)
        else:  # a non-empty range in the stride's direction, sometimes counted from the end
            b, e = sorted(rng.sample(range(-1, d + 1), 2))
            b, e = (max(b, 0), e) if stride > 0 else (min(e, d - 1), b)
            b, e = [v - d if v >= 0 and rng.random() < 0.3 else v for v in (b, e)]
        begin.append(b)
        end.append(e)
    masks = {name: rng.randint(0, (1 << n) - 1) if rng.random() < 0.5 else 0
             for name in ("begin_mask", "end_mask", "shrink_axis_mask")}
    for i in range(n):  # a shrunk axis takes one valid element (TensorFlow's rule)
        if masks["shrink_axis_mask"] >> i & 1:
            begin[i], end[i], strides[i] = rng.randint(-shape[i], shape[i] - 1), 0, 1
    ellipsis = new_axis = 0
    if n >= 2 and rng.random() < 0.3:  # [..., spec of the last n-1 dimensions]
        begin, end, strides = [0] + begin[1:], [0] + end[1:], [1] + strides[1:]
        ellipsis = 1
        masks = {k: v & ~1 for k, v in masks.items()}
    if rng.random() < 0.3:  # a new axis at a random spec position
        at = rng.randint(0, len(begin))
        begin.insert(at, 0)
        end.insert(at, 0)
        strides.insert(at, 1)
        widen = lambda m: (m & ((1 << at) - 1)) | ((m >> at) << (at + 1))  # noqa: E731
        masks = {k: widen(v) for k, v in masks.items()}
        ellipsis = widen(ellipsis)
        new_axis = 1 << at

    def f(x):
        return tf.strided_slice(x, begin, end, strides, ellipsis_mask=ellipsis,
                                new_axis_mask=new_axis, **masks)
    return [shape], f, f"begin={begin} end={end} strides={strides} masks={masks} " \
                       f"ellipsis={ellipsis} new_axis={new_axis}"


def case_split(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4))
    axis = rng.randint(-len(shape), len(shape) - 1)
    parts = rng.choice([p for p in (1, 2, 3, 4) if shape[axis] * 2 % p == 0] or [1])
    shape[axis] = shape[axis] * 2 if shape[axis] * 2 % parts == 0 else parts
    return [shape], lambda x: tf.split(x, parts, axis=axis), f"parts={parts} axis={axis}"


def case_split_v(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 2, 6)
    axis = rng.randint(-len(shape), len(shape) - 1)
    total = shape[axis]
    cut = sorted(rng.randint(0, total) for _ in range(rng.randint(1, 2)))
    sizes = [b - a for a, b in zip([0] + cut, cut + [total])]
    if rng.random() < 0.5:
        sizes[rng.randrange(len(sizes))] = -1
    return [shape], lambda x: tf.split(x, sizes, axis=axis), f"sizes={sizes} axis={axis}"


def case_pack(rng, tf):
    shape = random_shape(rng, rng.randint(0, 3))
    count = rng.randint(1, 3)
    axis = rng.randint(-len(shape) - 1, len(shape))
    return [shape] * count, lambda *xs: tf.stack(list(xs), axis=axis), f"n={count} axis={axis}"


def case_unpack(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4))
    axis = rng.randint(-len(shape), len(shape) - 1)
    return [shape], lambda x: tf.unstack(x, axis=axis), f"axis={axis}"


def case_tf_squeeze(rng, tf):
    """tf.squeeze: TensorFlow's converter emits RESHAPE."""
    shape = [rng.choice([1, 1, 2, 3]) for _ in range(rng.randint(1, 5))]
    ones = [i for i, d in enumerate(shape) if d == 1]
    axes = [i for i in ones if rng.random() < 0.5] if ones and rng.random() < 0.6 else []
    return [shape], lambda x: tf.squeeze(x, axis=axes or None), f"axes={axes}"


def case_tf_expand_dims(rng, tf):
    """tf.expand_dims: RESHAPE as well."""
    shape = random_shape(rng, rng.randint(0, 4))
    axis = rng.randint(-len(shape) - 1, len(shape))
    return [shape], lambda x: tf.expand_dims(x, axis), f"axis={axis}"


def case_gather(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 5)
    axis = rng.randint(0, len(shape) - 1)
    batch_dims = rng.randint(0, axis)
    indices_shape = shape[:batch_dims] + random_shape(rng, rng.randint(0, 2), 1, 4)
    return ([shape, ("indices", indices_shape, shape[axis])],
            lambda x, i: tf.gather(x, i, axis=axis, batch_dims=batch_dims),
            f"axis={axis} batch_dims={batch_dims} indices={indices_shape}")


def case_tile(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 4)
    multiples = [rng.randint(1, 3) for _ in shape]
    return [shape], lambda x: tf.tile(x, multiples), f"multiples={multiples}"


def case_depth_to_space(rng, tf):
    b = rng.randint(2, 3)
    shape = [rng.randint(1, 2), rng.randint(1, 4), rng.randint(1, 4), b * b * rng.randint(1, 3)]
    return [shape], lambda x: tf.nn.depth_to_space(x, b), f"block={b}"


def case_space_to_depth(rng, tf):
    b = rng.randint(2, 3)
    shape = [rng.randint(1, 2), b * rng.randint(1, 3), b * rng.randint(1, 3), rng.randint(1, 3)]
    return [shape], lambda x: tf.nn.space_to_depth(x, b), f"block={b}"


def arg_case(rng, tf, reduce):
    """An axis that is sometimes long (up to 30) so int8/uint8 inputs often tie."""
    shape = random_shape(rng, rng.randint(1, 4))
    axis = rng.randint(-len(shape), len(shape) - 1)
    shape[axis] = rng.choice([shape[axis], rng.randint(6, 30)])
    output_type = rng.choice([tf.int32, tf.int64])
    return ([shape], lambda x: reduce(x, axis=axis, output_type=output_type),
            f"axis={axis} output={output_type.name}")


def case_arg_max(rng, tf):
    return arg_case(rng, tf, tf.math.argmax)


def case_arg_min(rng, tf):
    return arg_case(rng, tf, tf.math.argmin)


def case_nchw_conv(rng, tf):
    """A PyTorch-style export: NCHW input, TRANSPOSE to NHWC, CONV_2D, TRANSPOSE back."""
    n, c, h, w, k = rng.randint(1, 2), rng.randint(1, 8), rng.randint(3, 12), rng.randint(3, 12), \
        rng.randint(1, 8)
    weights = tf.constant(np.random.RandomState(rng.randint(0, 1 << 30)).uniform(
        -1, 1, (3, 3, c, k)).astype(np.float32))

    def f(x):
        y = tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), weights, 1, "SAME")
        return tf.transpose(y, [0, 3, 1, 2])
    return [[n, c, h, w]], f, f"nchw={[n, c, h, w]} k={k}"


# Float convolutions differ from LiteRT's reference kernel in summation order: quantized only.
QUANTIZED_ONLY = {"nchw_conv"}


def built_squeeze(rng, dtype):
    """SQUEEZE of every size-1 dimension, written field by field (TensorFlow's converter
    emits RESHAPE instead)."""
    shape = [rng.choice([1, 1, 2, 3]) for _ in range(rng.randint(1, 5))]
    return shape, "SQUEEZE", [d for d in shape if d != 1], None


def built_expand_dims(rng, dtype):
    shape = random_shape(rng, rng.randint(0, 4))
    axis = rng.randint(-len(shape) - 1, len(shape))
    out = list(shape)
    out.insert(axis if axis >= 0 else len(shape) + 1 + axis, 1)
    return shape, "EXPAND_DIMS", out, axis


def built_arg_reduce(name):
    """ARG_MAX/ARG_MIN on the raw dtype (TensorFlow's converter puts a QUANTIZE before a uint8
    one, so this is where uint8 inputs reach the operator, as in DeepLab)."""
    def build(rng, dtype):
        shape = random_shape(rng, rng.randint(1, 4))
        axis = rng.randint(-len(shape), len(shape) - 1)
        shape[axis] = rng.choice([shape[axis], rng.randint(6, 30)])
        out_shape = [d for i, d in enumerate(shape) if i != axis % len(shape)]
        return shape, name, out_shape, axis
    return build


BUILT = {"squeeze": built_squeeze, "expand_dims": built_expand_dims,
         "raw_arg_max": built_arg_reduce("ARG_MAX"), "raw_arg_min": built_arg_reduce("ARG_MIN")}
NUMPY_TYPES = {"float32": np.float32, "int8": np.int8, "uint8": np.uint8, "int32": np.int32,
               "int64": np.int64, "bool": np.bool_}


def build_model(rng, op, dtype):
    from tflite_builder import TFLiteModel
    shape, name, out_shape, axis = BUILT[op](rng, dtype)
    numpy_type = NUMPY_TYPES[dtype]
    quant = ([0.25], [rng.randint(-128, 127) if dtype == "int8" else rng.randint(0, 255)]) \
        if dtype in ("int8", "uint8") else (None, None)
    model = TFLiteModel()
    x = model.tensor("x", shape, numpy_type, *quant)
    options = {}
    if name.startswith("ARG_"):  # an int32 or int64 index output, named by output_type
        index_type = rng.choice([np.int32, np.int64])
        options["output_type"] = 2 if index_type == np.int32 else 4
        y = model.tensor("y", out_shape, index_type)
    else:
        y = model.tensor("y", out_shape, numpy_type, *quant)
    inputs = [x]
    if axis is not None:
        inputs.append(model.tensor("axis", [], np.int32, data=np.array(axis, np.int32)))
    model.operator(name, 1, inputs, [y], **options)
    return model.serialize([x], [y]), [shape], f"shape={shape} axis={axis}"


class Tally:
    """Prints each case that is not identical and counts the outcomes."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.ops = set()

    def unconvertible(self, path, failure):
        print(f"{os.path.basename(path)}: SKIPPED, TensorFlow: "
              f"{str(failure).splitlines()[0][:120]}", flush=True)
        self.skipped += 1

    def record(self, path, text, problem, ops):
        self.ops.update(ops)
        if problem:
            print(f"{os.path.basename(path)} [{text}]: {problem}", flush=True)
        if problem and problem.startswith("SKIPPED"):
            self.skipped += 1
        else:
            self.failed += problem is not None
            self.passed += problem is None

    def run_case(self, path, build, args, rng, make_input):
        """build() -> (model bytes, input specs, text); a failure there is TensorFlow's (skipped).
        make_input(state) draws the inputs from a generator seeded from rng."""
        try:
            model, specs, text = build()
        except Exception as failure:  # TF cannot express it: not lowbit's problem
            self.unconvertible(path, failure)
            return
        with open(path, "wb") as f:
            f.write(model)
        state = np.random.default_rng(rng.randint(0, 1 << 30))
        self.record(path, text, *check(path, specs, args, rng, make_input(state)))

    def summary(self, name):
        print(f"{name}: {self.passed} identical, {self.failed} failed, {self.skipped} skipped; "
              f"TFLite operators seen: {','.join(sorted(self.ops))}; {machine()}")
        return 1 if self.failed else 0


def start_cases(parser, name):
    """The options every random-case driver shares, its work folder and its seeded generator."""
    parser.add_argument("--resolver", default="BUILTIN_REF")
    parser.add_argument("--seed", type=int, help="case seed (default: time-based)")
    parser.add_argument("--kernel", default="reference", help="lowbit kernel set")
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    work = os.path.join(args.build_dir, "conformance", name)
    os.makedirs(work, exist_ok=True)
    print(f"{name.replace('_', ' ')}: seed {seed} (rerun with --seed {seed}), LiteRT "
          f"{args.resolver}, lowbit kernels {args.kernel}, cases in {work}", flush=True)
    return args, work, random.Random(seed)


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items())
         if name.startswith("case_")}


def convert(tf, fn, specs, dtype, rng):
    """The .tflite bytes of fn over inputs `specs` ([shape] or ("indices", shape, limit))."""
    tf_types = {"float32": tf.float32, "int32": tf.int32, "int64": tf.int64, "bool": tf.bool,
                "int8": tf.float32, "uint8": tf.float32}
    signature = []
    for spec in specs:
        if isinstance(spec, tuple):
            signature.append(tf.TensorSpec(spec[1], tf.int32, name="indices"))
        else:
            signature.append(tf.TensorSpec(spec, tf_types[dtype]))
    concrete = tf.function(fn, input_signature=signature).get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    if dtype in ("int8", "uint8"):
        def representative():
            for _ in range(8):
                yield [np.array(np.random.RandomState(rng.randint(0, 1 << 30)).randint(
                           0, spec[2], spec[1]), np.int32) if isinstance(spec, tuple)
                       else np.random.RandomState(rng.randint(0, 1 << 30)).uniform(
                           -3, 3, spec).astype(np.float32) for spec in specs]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8 if dtype == "int8" else tf.uint8
        converter.inference_output_type = converter.inference_input_type
    return converter.convert()


def random_input(rng, detail, limit):
    dtype, shape = detail["dtype"], tuple(detail["shape"])
    state = np.random.default_rng(rng.randint(0, 1 << 30))
    if limit is not None:
        return state.integers(0, limit, shape).astype(dtype)
    if dtype == np.bool_:
        return state.integers(0, 2, shape).astype(np.bool_)
    if dtype == np.float32:
        return state.standard_normal(shape).astype(np.float32)
    info = np.iinfo(dtype)
    return state.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def check(path, specs, args, rng, make_input=None):
    """make_input(detail, spec) draws input k for its spec (default: random_input)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    # BUILTIN_REF lacks some operator versions (int8 DEPTH_TO_SPACE v2): LiteRT's builtin
    # kernels are then the oracle, which for byte moves are exact as well.
    oracle = None
    for resolver in (args.resolver, "BUILTIN_WITHOUT_DEFAULT_DELEGATES"):
        try:
            oracle = Interpreter(model_path=path,
                                 experimental_op_resolver_type=getattr(OpResolverType, resolver))
            oracle.allocate_tensors()
            break
        except (ValueError, RuntimeError) as failure:  # also when allocate_tensors() refuses it
            oracle = None
            problem = f"SKIPPED, LiteRT cannot load it: {str(failure).splitlines()[0]}"
    if oracle is None:
        return problem, []
    limits = [s[2] if isinstance(s, tuple) else None for s in specs]
    inputs = []
    for detail, spec in zip(oracle.get_input_details(), specs):
        limit = next((l for l in limits if l is not None), None) if "indices" in detail["name"] \
            else None
        inputs.append(make_input(detail, spec) if make_input else random_input(rng, detail, limit))
        oracle.set_tensor(detail["index"], inputs[-1])
    ops = sorted({op["op_name"] for op in oracle._get_ops_details()})
    details = oracle.get_output_details()
    try:
        oracle.invoke()
        expected = [oracle.get_tensor(d["index"]).copy() for d in details]
    except (ValueError, RuntimeError) as failure:  # empty tensors; a refused input
        return f"SKIPPED, LiteRT: {str(failure).splitlines()[0]}", ops
    lbm = path[:-len(".tflite")] + ".lbm"
    error = harness.convert(path, lbm, args.build_dir)
    if error:
        return f"CONVERT FAILED ({','.join(ops)}): " + error.splitlines()[-1], ops
    try:
        got = harness.run_lowbit(lbm, inputs, [(d["dtype"], tuple(d["shape"])) for d in details],
                                 "tflite_reference", args.build_dir, args.kernel)
    except RuntimeError as failure:
        return f"RUN FAILED: {failure}", ops
    for k, (e, g) in enumerate(zip(expected, got)):
        if e.tobytes() != np.ascontiguousarray(g).tobytes():
            return f"MISMATCH in output {k} ({','.join(ops)})", ops
    return None, ops


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=4, help="models per operator and dtype")
    parser.add_argument("--ops", default=",".join(sorted(list(CASES) + list(BUILT))))
    parser.add_argument("--dtypes", default=",".join(DTYPES))
    args, work, rng = start_cases(parser, "datamove_cases")
    import tensorflow as tf
    tally = Tally()
    for op in args.ops.split(","):
        for dtype in args.dtypes.split(","):
            if (dtype == "bool" and op in NO_BOOL) or \
                    (op in QUANTIZED_ONLY and dtype not in ("int8", "uint8")) or \
                    (op in ARG_OPS and dtype not in VALUE_DTYPES):
                continue
            for index in range(args.cases):
                path = os.path.join(work, f"{op}_{dtype}_{index}.tflite")
                try:
                    if op in BUILT:
                        model, specs, text = build_model(rng, op, dtype)
                    else:
                        specs, fn, text = CASES[op](rng, tf)
                        model = convert(tf, fn, specs, dtype, rng)
                except Exception as failure:  # TF cannot express it: not lowbit's problem
                    tally.unconvertible(path, failure)
                    continue
                with open(path, "wb") as f:
                    f.write(model)
                tally.record(path, text, *check(path, specs, args, rng))
    return tally.summary("datamove cases")

if __name__ == "__main__":
    sys.exit(main())
