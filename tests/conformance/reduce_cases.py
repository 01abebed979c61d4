"""Random single-operator TFLite models for the reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN),
SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND, CONCATENATION on any axis with mixed quantization, and
DEQUANTIZE of float16/int8/uint8 constants, against LiteRT. The models are written field by
field (tflite_builder.py), so the raw operands TFLite sees are chosen here: axes with negative
values and duplicates, keep_dims either way, equal or different input/output quantization;
float32, int8, uint8, int32 and int64 tensors. A TensorFlow model with float16 weights
(target_spec.supported_types=[tf.float16]) covers the converter's float16 path end to end.
LiteRT (resolver BUILTIN_REF by default) and lowbit-run (reference kernels by default) run the
same random inputs, and every output's bytes must be equal.

  TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/conformance/reduce_cases.py [--cases 6]
      [--ops mean,sum,...] [--dtypes float32,int8] [--seed N] [--kernel auto]

scripts/conformance.sh --reduce-cases builds the tools and runs this. Exit status 1 on any
difference, or when a case fails to convert or run in lowbit.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_builder  # noqa: E402
from datamove_cases import Tally, start_cases  # noqa: E402
from tflite_builder import TFLiteModel  # noqa: E402

tflite_builder.TENSOR_TYPES.setdefault(np.dtype(np.float16), 1)
# name: (BuiltinOperator, BuiltinOptions type, options fields in slot order)
tflite_builder.OPERATORS.update({
    "SUM": (74, 27, [("keep_dims", "Bool")]),
    "REDUCE_MAX": (82, 27, [("keep_dims", "Bool")]),
    "REDUCE_MIN": (89, 27, [("keep_dims", "Bool")]),
    "SPACE_TO_BATCH_ND": (38, 25, []),
    "BATCH_TO_SPACE_ND": (37, 24, []),
    "CONCATENATION": (2, 10, [("axis", "Int32"), ("fused_activation_function", "Int8")]),
    "DEQUANTIZE": (6, 0, []),
})

NUMPY = {"float32": np.float32, "int8": np.int8, "uint8": np.uint8, "int32": np.int32,
         "int64": np.int64}
QUANTIZED = ("int8", "uint8")
REDUCERS = {"mean": "MEAN", "sum": "SUM", "reduce_max": "REDUCE_MAX", "reduce_min": "REDUCE_MIN"}


def random_shape(rng, rank, low=1, high=5):
    return [rng.randint(low, high) for _ in range(rank)]


def quant(rng, dtype, scale=None):
    """Per-tensor (scales, zero_points) for int8/uint8, (None, None) otherwise."""
    if dtype not in QUANTIZED:
        return None, None
    scale = scale if scale is not None else float(np.float32(rng.uniform(0.005, 0.5)))
    low, high = (-128, 127) if dtype == "int8" else (0, 255)
    return [scale], [rng.randint(low, high)]


def reduce_case(op):
    def build(rng, dtype):
        rank = rng.randint(1, 5)
        shape = random_shape(rng, rank)
        # The spatial mean TFLite special-cases; lowbit's float one is XNNPACK's global average
        # pooling (as float convolutions, a different sum order): quantized only.
        if rank == 4 and rng.random() < 0.3 and not (op == "mean" and dtype == "float32"):
            axes, keep = rng.choice([[1, 2], [2, 1]]), rng.random() < 0.8
        else:
            axes = [rng.randint(-rank, rank - 1) for _ in range(rng.randint(1, rank + 1))]
            keep = rng.random() < 0.5
            if op == "mean" and dtype == "float32" and rank == 4 and \
                    {a % 4 for a in axes} == {1, 2}:
                axes.append(3)
        reduced = {a % rank for a in axes}
        out_shape = [1 if d in reduced else n for d, n in enumerate(shape)
                     if keep or d not in reduced]
        count = int(np.prod([shape[d] for d in reduced]))
        model, numpy_type = TFLiteModel(), NUMPY[dtype]
        x_quant = quant(rng, dtype)
        y_quant = x_quant
        if dtype in QUANTIZED and op in ("mean", "sum") and rng.random() < 0.6:
            grow = count if op == "sum" else 1
            y_quant = quant(rng, dtype, float(np.float32(x_quant[0][0] * rng.uniform(0.3, 1.5 * grow))))
        x = model.tensor("x", shape, numpy_type, *x_quant)
        a = model.tensor("axes", [len(axes)], np.int32, data=np.array(axes, np.int32))
        y = model.tensor("y", out_shape, numpy_type, *y_quant)
        model.operator(REDUCERS[op], 1 if dtype == "uint8" else 2, [x, a], [y], keep_dims=keep)
        same = y_quant == x_quant
        return model.serialize([x], [y]), [[dtype, shape]], \
            f"{dtype} shape={shape} axes={axes} keep_dims={keep} same_quant={same}"
    return build


def space_batch_case(to_batch):
    def build(rng, dtype):
        rank = rng.choice([3, 4, 4])
        blocks = [rng.randint(1, 3) for _ in range(rank - 2)]
        batch, channels = rng.randint(1, 2), rng.randint(1, 3)
        model, numpy_type = TFLiteModel(), NUMPY[dtype]
        q = quant(rng, dtype)
        if to_batch:
            spatial = [rng.randint(1, 5) for _ in blocks]
            pads = []
            for size, block in zip(spatial, blocks):
                before = rng.randint(0, 2)
                after = (-(size + before)) % block + block * rng.randint(0, 1)
                pads.append([before, after])
            shape = [batch] + spatial + [channels]
            out = [batch * int(np.prod(blocks))] + \
                [(s + p[0] + p[1]) // b for s, p, b in zip(spatial, pads, blocks)] + [channels]
            extra, name, text = pads, "SPACE_TO_BATCH_ND", f"paddings={pads}"
        else:
            spatial = [rng.randint(1, 4) for _ in blocks]
            crops = []
            for size, block in zip(spatial, blocks):
                full = size * block
                before = rng.randint(0, min(2, full - 1))
                crops.append([before, rng.randint(0, min(2, full - 1 - before))])
            shape = [batch * int(np.prod(blocks))] + spatial + [channels]
            out = [batch] + [s * b - c[0] - c[1] for s, b, c in zip(spatial, blocks, crops)] + \
                [channels]
            extra, name, text = crops, "BATCH_TO_SPACE_ND", f"crops={crops}"
        x = model.tensor("x", shape, numpy_type, *q)
        b = model.tensor("block_shape", [len(blocks)], np.int32, data=np.array(blocks, np.int32))
        e = model.tensor("pads", [len(blocks), 2], np.int32,
                         data=np.array(extra, np.int32).reshape(len(blocks), 2))
        y = model.tensor("y", out, numpy_type, *q)
        model.operator(name, 1 if dtype in ("float32", "uint8") else 2, [x, b, e], [y])
        return model.serialize([x], [y]), [[dtype, shape]], \
            f"{dtype} shape={shape} block={blocks} {text}"
    return build


def concat_case(rng, dtype):
    rank = rng.randint(1, 4)
    base = random_shape(rng, rank)
    axis = rng.randint(-rank, rank - 1)
    model, numpy_type = TFLiteModel(), NUMPY[dtype]
    out_quant = quant(rng, dtype)
    inputs, shapes = [], []
    for k in range(rng.randint(1, 4)):
        shape = list(base)
        shape[axis] = rng.randint(1, 4)
        # TFLite rescales uint8 inputs only; its int8 CONCATENATION needs one quantization.
        q = out_quant if dtype != "uint8" or rng.random() < 0.4 else quant(rng, dtype)
        inputs.append(model.tensor(f"x{k}", shape, numpy_type, *q))
        shapes.append(shape)
    out = list(base)
    out[axis] = sum(s[axis] for s in shapes)
    y = model.tensor("y", out, numpy_type, *out_quant)
    model.operator("CONCATENATION", 1 if dtype == "float32" else 2, inputs, [y], axis=axis,
                   fused_activation_function=0)
    return model.serialize(inputs, [y]), [[dtype, s] for s in shapes], \
        f"{dtype} shapes={shapes} axis={axis}"


def dequantize_case(rng, dtype):
    """DEQUANTIZE of a constant (float16 when dtype is float32) added to a float input, so the
    converter folds the constant and the ADD sees its float values; "float16": DEQUANTIZE of a
    float16 graph input, which runs."""
    shape = random_shape(rng, rng.randint(1, 4))
    model = TFLiteModel()
    if dtype == "float16":
        x = model.tensor("x", shape, np.float16)
        y = model.tensor("y", shape, np.float32)
        model.operator("DEQUANTIZE", 3, [x], [y])
        return model.serialize([x], [y]), [["float16", shape]], f"float16 input shape={shape}"
    state = np.random.default_rng(rng.randint(0, 1 << 30))
    if dtype == "float32":
        # Finite values only: LiteRT's float ADD clamps an infinite sum to FLT_MAX (lowbit's
        # ADD does not yet, a difference of ADD's, not of DEQUANTIZE's).
        values = np.clip(state.standard_normal(shape) * rng.choice([1, 100, 1e4]), -65504,
                         65504).astype(np.float16)
        values.flat[0] = np.float16(rng.choice([65504, -0.0, 6e-8, 1e-5]))
        c = model.tensor("c", shape, np.float16, data=values)
    else:
        info = np.iinfo(NUMPY[dtype])
        values = state.integers(info.min, info.max, shape, endpoint=True).astype(NUMPY[dtype])
        c = model.tensor("c", shape, NUMPY[dtype], *quant(rng, dtype), data=values)
    d = model.tensor("c_float", shape, np.float32)
    x = model.tensor("x", shape, np.float32)
    y = model.tensor("y", shape, np.float32)
    model.operator("DEQUANTIZE", 1 if dtype == "uint8" else 2 if dtype == "int8" else 3, [c], [d])
    model.operator("ADD", 1, [x, d], [y], activation=0)
    source = "float16" if dtype == "float32" else dtype
    return model.serialize([x], [y]), [["float32", shape]], f"{source} constant shape={shape}"


def float16_model_case(rng, dtype):
    """A TensorFlow model converted with float16 weights (target_spec.supported_types =
    [tf.float16]): DEQUANTIZE of float16 constants feeding MUL, ADD and SUM, which lowbit
    folds at conversion. (Float convolutions differ from LiteRT's reference kernel in
    summation order, so the weights feed elementwise operators here.)"""
    import tensorflow as tf
    state = np.random.RandomState(rng.randint(0, 1 << 30))
    shape = [1] + random_shape(rng, rng.randint(1, 3), 2, 6)
    scale = tf.constant(state.uniform(-2, 2, shape[1:]).astype(np.float32))
    bias = tf.constant(state.uniform(-1, 1, shape[-1:]).astype(np.float32))

    def f(x):
        return tf.reduce_sum(tf.nn.relu(x * scale + bias), axis=-1)
    spec = tf.TensorSpec(shape, tf.float32)
    concrete = tf.function(f, input_signature=[spec]).get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return converter.convert(), [["float32", shape]], f"float16 weights shape={shape}"


CASES = {op: reduce_case(op) for op in REDUCERS}
CASES.update({"space_to_batch_nd": space_batch_case(True),
              "batch_to_space_nd": space_batch_case(False),
              "concatenation": concat_case, "dequantize": dequantize_case,
              "float16_model": float16_model_case})
# The dtypes each kind takes (DEQUANTIZE's "float32" stands for a float16 constant).
DTYPES = {"mean": ("float32", "int8", "uint8", "int32", "int64"),
          "sum": ("float32", "int8", "uint8", "int32", "int64"),
          "reduce_max": ("float32", "int8", "uint8", "int32", "int64"),
          "reduce_min": ("float32", "int8", "uint8", "int32", "int64"),
          "space_to_batch_nd": ("float32", "int8", "uint8", "int32", "int64"),
          "batch_to_space_nd": ("float32", "int8", "uint8", "int32", "int64"),
          "concatenation": ("float32", "int8", "uint8", "int32", "int64"),
          "dequantize": ("float32", "int8", "uint8", "float16"), "float16_model": ("float32",)}


def make_input(state):
    def draw(detail, spec):
        dtype, shape = spec  # lists: datamove_cases.check reads tuples as index specs
        if dtype == "float32":
            return (state.standard_normal(shape) * state.choice([1, 30])).astype(np.float32)
        if dtype == "float16":  # every bit pattern: subnormals, infinities, NaNs
            return state.integers(0, 1 << 16, shape).astype(np.uint16).view(np.float16)
        if dtype in QUANTIZED:
            info = np.iinfo(NUMPY[dtype])
            return state.integers(info.min, info.max, shape, endpoint=True).astype(NUMPY[dtype])
        return state.integers(-1000, 1000, shape).astype(NUMPY[dtype])
    return draw


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=6, help="models per operator and dtype")
    parser.add_argument("--ops", default=",".join(CASES))
    parser.add_argument("--dtypes", default="float32,int8,uint8,int32,int64,float16")
    args, work, rng = start_cases(parser, "reduce_cases")
    tally = Tally()
    for op in args.ops.split(","):
        for dtype in args.dtypes.split(","):
            if dtype not in DTYPES[op]:
                continue
            for index in range(args.cases):
                tally.run_case(os.path.join(work, f"{op}_{dtype}_{index}.tflite"),
                               lambda: CASES[op](rng, dtype), args, rng, make_input)
    return tally.summary("reduce cases")


if __name__ == "__main__":
    sys.exit(main())
