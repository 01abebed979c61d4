"""Random single-operator models for TANH, EXP, LOG, LEAKY_RELU, PRELU and the quantized forms of
ABS, NEG, SQRT, RSQRT and SQUARED_DIFFERENCE against LiteRT, in every dtype TFLite's reference
kernels take (float32; int8; uint8 for TANH, LEAKY_RELU and PRELU). Each model is written with
tflite_builder.py (any scale and zero point, uint8 included), run by LiteRT (resolver BUILTIN_REF)
and by lowbit-run (reference kernels by default), and every output byte must be equal. Quantized
inputs are all 256 values of the type or random ones; float inputs include NaN, infinities, -0.0
and negatives (LOG, SQRT); PRELU broadcasts alpha (constant or an input) against x and
SQUARED_DIFFERENCE its two inputs with NumPy's rules.

A Keras model of these layers, converted by TensorFlow in float32 and full-integer int8, checks
the converter's mapping of real exported graphs too.

  .venv/bin/python tests/conformance/activation_cases.py [--cases 12] [--ops tanh,prelu]
      [--seed N] [--kernel auto] [--no-keras]

scripts/conformance.sh --activation-cases builds the tools and runs this. Exit status 1 on any
difference, or when a case fails to convert or run in lowbit.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from datamove_cases import start_cases  # noqa: E402
from lowbit_tools import machine  # noqa: E402
from op_cases import broadcast_shapes, f32, litert_output, lowbit_output  # noqa: E402
from tflite_builder import OPERATORS, TFLiteModel  # noqa: E402

# name: (builtin code, options type, fields), as tflite_builder.OPERATORS.
OPERATORS.update({
    "TANH": (28, 0, []), "EXP": (47, 0, []), "LOG": (73, 0, []), "PRELU": (54, 0, []),
    "LEAKY_RELU": (98, 75, [("alpha", "Float32")]), "ABS": (101, 0, []), "NEG": (59, 0, []),
    "SQRT": (75, 0, []), "RSQRT": (76, 0, []), "SQUARED_DIFFERENCE": (99, 0, []),
})
# Operator: the dtypes TFLite's reference kernels take.
UNARY = {"tanh": ("float32", "int8", "uint8"), "exp": ("float32", "int8"),
         "log": ("float32", "int8"), "leaky_relu": ("float32", "int8", "uint8"),
         "abs": ("float32", "int8"), "neg": ("float32", "int8"), "sqrt": ("float32", "int8"),
         "rsqrt": ("float32", "int8")}
BINARY = {"prelu": ("float32", "int8", "uint8"), "squared_difference": ("float32", "int8")}
LIMITS = {"int8": (-128, 127), "uint8": (0, 255)}


def random_shape(rng):
    return [rng.randint(1, 5) for _ in range(rng.randint(0, 4))]


def float_values(rng, shape, op):
    state = np.random.default_rng(rng.randint(0, 2**31))
    v = np.asarray(state.standard_normal(shape) * rng.choice([0.5, 3, 30]), np.float32)
    if op in ("sqrt", "rsqrt", "log") and rng.randint(0, 1):
        v = np.array(np.abs(v), np.float32).reshape(shape)  # a ufunc turns 0-d into a scalar
    if v.size and rng.randint(0, 2) == 0:
        edges = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-30, 88.8, -104.0], np.float32)
        pick = np.asarray(state.random(shape) < 0.2)
        v[pick] = state.choice(edges, int(pick.sum()))
    return v.reshape(shape)


def quantized_values(rng, dtype, shape, low=None):
    lo, hi = LIMITS[dtype]
    count = int(np.prod(shape))
    values = [rng.randint(lo if low is None else low, hi) for _ in range(count)]
    return np.array(values, dtype).reshape(shape)


def scale(rng, low=0.002, high=0.2):
    return f32(2.0 ** -rng.randint(1, 9) if rng.randint(0, 3) == 0 else rng.uniform(low, high))


def output_quantization(rng, op, dtype, in_scale):
    """An output scale near what the operator's range needs, sometimes far from it."""
    lo, hi = LIMITS[dtype]
    typical = {"tanh": 1 / 128, "exp": in_scale * 8, "log": 0.05}.get(op, in_scale)
    spread = rng.choice([1, 1, rng.uniform(0.3, 3), rng.uniform(0.02, 0.3), rng.uniform(3, 60)])
    zero_point = rng.choice([lo, hi, (lo + hi + 1) // 2, rng.randint(lo, hi)])
    if op in ("tanh",) and rng.randint(0, 1):
        return f32(1 / 128), (lo + hi + 1) // 2
    return f32(typical * spread), zero_point


def unary_case(rng, op, dtype):
    model = TFLiteModel()
    options = {"alpha": f32(rng.choice([0.2, 0.01, 0.3, -0.5, 1.5, 0.0]))} \
        if op == "leaky_relu" else {}
    shape = [256] if dtype != "float32" and rng.randint(0, 2) == 0 else random_shape(rng)
    if dtype == "float32":
        x_t = model.tensor("x", shape, np.float32)
        y_t = model.tensor("y", shape, np.float32)
        x = float_values(rng, shape, op)
        text = f"{op} float32 {shape}"
    else:
        lo, hi = LIMITS[dtype]
        in_scale, in_zp = scale(rng), rng.randint(lo, hi)
        out_scale, out_zp = output_quantization(rng, op, dtype, in_scale)
        x_t = model.tensor("x", shape, np.dtype(dtype).type, [in_scale], [in_zp])
        y_t = model.tensor("y", shape, np.dtype(dtype).type, [out_scale], [out_zp])
        # SQRT and RSQRT refuse negative inputs (TFLite fails invoke; so does lowbit).
        low = in_zp if op in ("sqrt", "rsqrt") else None
        if shape == [256] and low is None:
            x = np.arange(lo, hi + 1).astype(dtype)
        else:
            x = quantized_values(rng, dtype, shape, low)
        text = f"{op} {dtype} {shape} in {in_scale:.5g}/{in_zp} out {out_scale:.5g}/{out_zp}"
    model.operator(op.upper(), 1, [x_t], [y_t], **options)
    if options:
        text += f" alpha={options['alpha']:g}"
    return model.serialize([x_t], [y_t]), [x], text


def binary_case(rng, op, dtype):
    model = TFLiteModel()
    out, a_shape, b_shape = broadcast_shapes(rng)
    if op == "prelu":
        # TFLite broadcasts alpha into x (the output keeps x's shape): often per channel.
        a_shape = out
        if rng.randint(0, 1):
            b_shape = rng.choice([[out[-1]], [1], [1] * (len(out) - 1) + [out[-1]]])
    b_constant = rng.randint(0, 1) == 1
    numpy_type = np.dtype(dtype).type
    if dtype == "float32":
        a, b = float_values(rng, a_shape, op), float_values(rng, b_shape, op)
        quant = [(None, None)] * 3
    else:
        lo, hi = LIMITS[dtype]
        a, b = quantized_values(rng, dtype, a_shape), quantized_values(rng, dtype, b_shape)
        sa, sb = scale(rng), scale(rng)
        so = f32(max(sa, sb) * rng.uniform(0.3, 3)) if op == "prelu" else \
            f32(max(sa, sb) ** 2 * rng.choice([40, 200, 2000]))
        quant = [([s], [rng.randint(lo, hi)]) for s in (sa, sb, so)]
    a_t = model.tensor("x", a_shape, numpy_type, *quant[0])
    b_t = model.tensor("alpha" if op == "prelu" else "b", b_shape, numpy_type, *quant[1],
                       data=b if b_constant else None)
    y_t = model.tensor("y", out, numpy_type, *quant[2])
    model.operator(op.upper(), 1, [a_t, b_t], [y_t])
    inputs = [a] if b_constant else [a, b]
    text = f"{op} {dtype} {a_shape} x {b_shape}{' (constant)' if b_constant else ''} {quant}"
    return model.serialize([a_t] if b_constant else [a_t, b_t], [y_t]), inputs, text


def make_case(rng, op, dtype):
    """(model bytes, inputs, description) of one random case (also the fuzz seeds' source)."""
    return (unary_case if op in UNARY else binary_case)(rng, op, dtype)


def compare(path, inputs, args):
    """None when lowbit's output bytes equal LiteRT's, else what went wrong."""
    expected, spec = litert_output(path, inputs, args.resolver)
    outputs, problem = lowbit_output(path, inputs, spec, args)
    if problem:
        return problem
    got = outputs[0]
    if expected.tobytes() == np.ascontiguousarray(got).tobytes():
        return None
    bad = np.flatnonzero(expected.reshape(-1).view(np.uint8 if expected.itemsize == 1 else
                                                   np.uint32) !=
                         got.reshape(-1).view(np.uint8 if expected.itemsize == 1 else np.uint32))
    i = int(bad[0])
    flat_in = inputs[0].reshape(-1)
    return (f"MISMATCH: {bad.size} of {expected.size} elements; first at {i}: LiteRT "
            f"{expected.reshape(-1)[i]}, lowbit {got.reshape(-1)[i]}"
            + (f" (input {flat_in[i]})" if flat_in.size == expected.size else ""))


def keras_models(rng):
    """The same operators as TensorFlow's converter emits them from Keras layers (PReLU with a
    per-channel alpha constant, LeakyReLU, tanh, exp, log), float32 and full-integer int8."""
    import tensorflow as tf
    keras = tf.keras
    x = keras.Input((4, 5, 3), batch_size=1)
    y = keras.layers.LeakyReLU(rng.choice([0.1, 0.3]))(x)
    prelu = keras.layers.PReLU(shared_axes=[1, 2])
    y = prelu(y)
    prelu.set_weights([np.array([[[0.25, -0.5, 1.5]]], np.float32)])
    y = keras.layers.Activation("tanh")(y * 2.0)
    y = tf.math.log(tf.math.exp(y) + 0.5)
    model = keras.Model(x, y)
    state = np.random.default_rng(rng.randint(0, 2**31))

    def samples():
        for _ in range(20):
            yield [np.asarray(state.standard_normal((1, 4, 5, 3)) * 2, np.float32)]
    for name in ("float32", "int8"):
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        if name == "int8":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = samples
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = converter.inference_output_type = tf.int8
        data = next(samples())[0]
        if name == "int8":
            data = np.asarray(np.clip(np.round(data / 0.03), -128, 127), np.int8)
        yield converter.convert(), [data], f"keras {name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12, help="models per operator and dtype")
    parser.add_argument("--ops", default=",".join(list(UNARY) + list(BINARY)))
    parser.add_argument("--no-keras", dest="keras", action="store_false",
                        help="skip the Keras models converted by TensorFlow")
    args, work, rng = start_cases(parser, "activation_cases")
    args.profile = "tflite_reference"  # LiteRT BUILTIN_REF's numerics
    kinds = [(op, dtype) for op in args.ops.split(",") for dtype in UNARY.get(op) or BINARY[op]]
    problems = 0
    for (op, dtype), index in [(kind, i) for kind in kinds for i in range(args.cases)]:
        model, inputs, text = make_case(rng, op, dtype)
        path = os.path.join(work, f"{op}_{dtype}_{index}.tflite")
        with open(path, "wb") as f:
            f.write(model)
        problem = compare(path, inputs, args)
        if problem:
            problems += 1
            print(f"{os.path.basename(path)} [{text}]: {problem}", flush=True)
    total = len(kinds) * args.cases
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("activation cases: no TensorFlow in this Python, Keras models skipped", flush=True)
        args.keras = False
    if args.keras:
        for index, (model, inputs, text) in enumerate(keras_models(rng)):
            path = os.path.join(work, f"keras_{index}.tflite")
            with open(path, "wb") as f:
                f.write(model)
            problem = compare(path, inputs, args)
            total += 1
            if problem:
                problems += 1
                print(f"{os.path.basename(path)} [{text}]: {problem}", flush=True)
    print(f"activation cases: {total - problems} identical, {problems} failed; {machine()}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
