"""Random single-operator RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR models against LiteRT's
reference kernels (BUILTIN_REF): float32, int8 and uint8, random input and output sizes
(up, down, non-integer ratios, 1x1), every align_corners / half_pixel_centers combination
LiteRT accepts. Models are written field by field with tflite_builder.py; a few more come from
TensorFlow (tf.compat.v1.image.resize_*, float32 and int8 through the TFLite converter's
quantization) with --tf-cases. lowbit's output bytes must equal LiteRT's.

  .venv/bin/python tests/conformance/resize_cases.py [--cases 40] [--tf-cases 6] [--seed N]
      [--kernel reference] [--build-dir build]

scripts/conformance.sh --resize-cases builds the tools and runs this. Exit status 1 on any
difference.
"""
import argparse
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import tflite_builder  # noqa: E402
from lowbit_tools import machine  # noqa: E402

# name: (BuiltinOperator, BuiltinOptions type, options fields in slot order)
tflite_builder.OPERATORS.setdefault("RESIZE_BILINEAR", (23, 15, [
    ("new_height", "Int32"), ("new_width", "Int32"), ("align_corners", "Bool"),
    ("half_pixel_centers", "Bool")]))
tflite_builder.OPERATORS.setdefault("RESIZE_NEAREST_NEIGHBOR", (97, 74, [
    ("align_corners", "Bool"), ("half_pixel_centers", "Bool")]))

DTYPES = {"float32": np.float32, "int8": np.int8, "uint8": np.uint8}
OPERATORS = ("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR")


def random_size(rng):
    return rng.choice([1, 1, 2, 3, 4, 5, 7, 8, 13, 16, 33])


def make_case(rng, op, dtype, align, half):
    """A one-operator model and an input for it."""
    n, h, w, c = rng.choice([1, 1, 2]), random_size(rng), random_size(rng), rng.choice([1, 3, 8])
    oh, ow = random_size(rng), random_size(rng)
    numpy_type = DTYPES[dtype]
    quant = {}
    if dtype != "float32":
        quant = dict(scales=[float(np.float32(rng.uniform(0.005, 0.2)))],
                     zero_points=[rng.randint(-20, 20) + (128 if dtype == "uint8" else 0)])
    model = tflite_builder.TFLiteModel()
    x = model.tensor("x", [n, h, w, c], numpy_type, **quant)
    size = model.tensor("size", [2], np.int32, data=np.array([oh, ow], np.int32))
    y = model.tensor("y", [n, oh, ow, c], numpy_type, **quant)
    version = 4 if half else 3
    model.operator(op, version, [x, size], [y], align_corners=align, half_pixel_centers=half)
    if dtype == "float32":
        data = np.array([rng.uniform(-10, 10) for _ in range(n * h * w * c)], np.float32)
    else:
        info = np.iinfo(numpy_type)
        data = np.array([rng.randint(info.min, info.max) for _ in range(n * h * w * c)], numpy_type)
    return model.serialize([x], [y]), data.reshape(n, h, w, c)


def tf_case(rng, op, dtype, align, half, seed):
    """The same operator written by TensorFlow's converter (int8: full-integer quantization)."""
    import tensorflow as tf
    h, w, c, oh, ow = random_size(rng) + 1, random_size(rng), 3, random_size(rng), random_size(rng)
    resize = (tf.compat.v1.image.resize_bilinear if op == "RESIZE_BILINEAR"
              else tf.compat.v1.image.resize_nearest_neighbor)

    @tf.function(input_signature=[tf.TensorSpec([1, h, w, c], tf.float32)])
    def model(x):
        return resize(x, [oh, ow], align_corners=align, half_pixel_centers=half)

    converter = tf.lite.TFLiteConverter.from_concrete_functions([model.get_concrete_function()])
    data_rng = np.random.default_rng(seed)
    if dtype == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: (
            [data_rng.uniform(-1, 1, (1, h, w, c)).astype(np.float32)] for _ in range(8))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
        x = data_rng.integers(-128, 128, (1, h, w, c)).astype(np.int8)
    else:
        x = data_rng.uniform(-5, 5, (1, h, w, c)).astype(np.float32)
    return converter.convert(), x


def check(path, x, args, oracle_outputs=None):
    """None when lowbit's output bytes equal LiteRT's (or oracle_outputs(path, x)'s), else what
    went wrong."""
    try:
        oracle = harness.LiteRTOracle(path, reference=True)
    except (RuntimeError, ValueError) as refused:
        return "LITERT REFUSED: " + str(refused).splitlines()[0]
    expected = oracle_outputs(path, x) if oracle_outputs else oracle.run([x])
    lbm = path[:-len(".tflite")] + ".lbm"
    error = harness.convert(path, lbm, args.build_dir)
    if error:
        return "CONVERT FAILED: " + error.splitlines()[0]
    try:
        got = harness.run_lowbit(lbm, [x], oracle.output_specs(), "tflite_reference",
                                 args.build_dir, args.kernel, threads=getattr(args, "threads", 1))
    except RuntimeError as failure:
        return f"RUN FAILED: {failure}"
    if expected[0].tobytes() != got[0].tobytes():
        differ = int(np.sum(expected[0] != got[0]))
        return f"MISMATCH: {differ} of {expected[0].size} elements differ"
    return None


def start_sweep(parser, name):
    """Adds the options every sweep here shares, parses them and announces the run; returns
    (args, seed, work folder, case rng). detection_cases.py uses it too."""
    parser.add_argument("--seed", type=int, help="case seed (default: time-based)")
    parser.add_argument("--kernel", default="reference", help="lowbit kernel set")
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--work-dir", help=f"default BUILD/conformance/{name}")
    # conformance.sh --resize-cases passes one argument list to both sweeps.
    args, others = parser.parse_known_args()
    if others:
        print(f"{name}: ignoring {' '.join(others)} (another sweep's options)", flush=True)
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    work = args.work_dir or os.path.join(args.build_dir, "conformance", name)
    os.makedirs(work, exist_ok=True)
    print(f"{name}: seed {seed} (rerun with --seed {seed}), LiteRT BUILTIN_REF, lowbit "
          f"kernels {args.kernel}, cases in {work}", flush=True)
    return args, seed, work, random.Random(seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=40, help="models per operator and dtype")
    parser.add_argument("--tf-cases", type=int, default=6, help="TensorFlow-written models")
    args, seed, work, rng = start_sweep(parser, "resize_cases")
    passed = failed = refused = 0
    jobs = [(op, dtype, i, False) for op in OPERATORS for dtype in DTYPES for i in range(args.cases)]
    jobs += [(op, dtype, i, True) for op in OPERATORS for dtype in ("float32", "int8")
             for i in range(args.tf_cases)]
    for op, dtype, index, from_tf in jobs:
        align, half = index % 4 in (1, 3), index % 4 in (2, 3)
        if from_tf and align and half and op == "RESIZE_BILINEAR":
            continue  # TensorFlow's converter refuses it before LiteRT could
        model, x = (tf_case(rng, op, dtype, align, half, seed + index) if from_tf
                    else make_case(rng, op, dtype, align, half))
        name = f"{op.lower()}_{dtype}_{'tf' if from_tf else 'b'}{index}"
        path = os.path.join(work, name + ".tflite")
        with open(path, "wb") as f:
            f.write(model)
        problem = check(path, x, args)
        if problem and problem.startswith("LITERT REFUSED"):
            # Only the combination TFLite rejects itself; lowbit must reject it too.
            lbm_error = harness.convert(path, path[:-7] + ".lbm", args.build_dir)
            if align and half and op == "RESIZE_BILINEAR" and lbm_error:
                refused += 1
                continue
            problem += f" (lowbit conversion: {'failed' if lbm_error else 'accepted'})"
        if problem:
            print(f"{name} (align_corners={align}, half_pixel_centers={half}): {problem}",
                  flush=True)
        failed += problem is not None
        passed += problem is None
    print(f"resize cases: {passed} identical, {failed} failed, {refused} refused by both; "
          f"{machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
