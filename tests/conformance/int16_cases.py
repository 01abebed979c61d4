"""16x8 (int16 activations, int8 weights) operators against LiteRT's reference kernels.

Each case is a tf.function converted by tf.lite.TFLiteConverter with
OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 and a representative dataset,
its inputs and outputs int16 or float32 (QUANTIZE float32 -> int16 and DEQUANTIZE int16 ->
float32 at the ends): ADD, SUB, MUL with broadcast shapes, LEAKY_RELU, PAD, STRIDED_SLICE with
its masks, CONCATENATION on any axis, RESHAPE, MEAN over any axes, SOFTMAX with beta, LOGISTIC,
TANH. The integer QUANTIZE forms TensorFlow does not write (int16 -> int8/int16/int32, int8 ->
int16) are written field by field. LiteRT BUILTIN_REF and lowbit-run (reference kernels by
default) run the same random inputs, and every output's bytes must be equal.

  TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/conformance/int16_cases.py [--cases 3]
      [--ops add,softmax] [--seed N] [--kernel auto]

scripts/conformance.sh --int16-cases builds the tools and runs this. Exit status 1 on any
difference, or when a case fails to convert or run in lowbit.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from datamove_cases import Tally, case_strided_slice, check, random_shape, start_cases  # noqa: E402


def broadcast_pair(rng):
    """Two shapes that broadcast: equal, a scalar-like side, or size-1 dimensions on either."""
    shape = random_shape(rng, rng.randint(1, 4), 1, 6)
    other = [rng.choice([d, d, 1]) for d in shape]
    if rng.random() < 0.3:
        other = other[rng.randint(0, len(other)):] or [1]
    return (shape, other) if rng.random() < 0.5 else (other, shape)


def binary(name):
    def case(rng, tf):
        a, b = broadcast_pair(rng)
        fn = {"add": tf.add, "sub": tf.subtract, "mul": tf.multiply}[name]
        relu = rng.random() < 0.3
        return [a, b], (lambda x, y: tf.nn.relu(fn(x, y))) if relu else fn, \
            f"shapes={a},{b} relu={relu}"
    return case


def case_leaky_relu(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 8)
    alpha = rng.choice([0.01, 0.1, 0.2, 0.3, 0.5, 0.9])
    return [shape], lambda x: tf.nn.leaky_relu(x, alpha), f"shape={shape} alpha={alpha}"


def case_pad(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 6)
    paddings = [[rng.randint(0, 3), rng.randint(0, 3)] for _ in shape]
    return [shape], lambda x: tf.pad(x, paddings), f"shape={shape} paddings={paddings}"


def case_concatenation(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 5)
    axis = rng.randint(-len(shape), len(shape) - 1)
    shapes = []
    for _ in range(rng.randint(2, 4)):
        s = list(shape)
        s[axis] = rng.randint(1, 4)
        shapes.append(s)
    return shapes, lambda *xs: tf.concat(list(xs), axis), f"shapes={shapes} axis={axis}"


def case_reshape(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 6)
    flat = int(np.prod(shape))
    target = [flat] if rng.random() < 0.5 else [-1, shape[-1]]
    return [shape], lambda x: tf.reshape(tf.nn.leaky_relu(x, 0.25), target), \
        f"shape={shape} to {target}"


def case_mean(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 6)
    axes = sorted(rng.sample(range(len(shape)), rng.randint(1, len(shape))))
    keep = rng.random() < 0.5
    return [shape], lambda x: tf.reduce_mean(x, axis=axes, keepdims=keep), \
        f"shape={shape} axes={axes} keep_dims={keep}"


def case_softmax(rng, tf):
    shape = random_shape(rng, rng.randint(1, 3), 1, 12)
    beta = rng.choice([1.0, 1.0, 0.5, 2.0])
    return [shape], lambda x: tf.nn.softmax(x * beta), f"shape={shape} beta={beta}"


def case_logistic(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 8)
    return [shape], tf.math.sigmoid, f"shape={shape}"


def case_tanh(rng, tf):
    shape = random_shape(rng, rng.randint(1, 4), 1, 8)
    return [shape], tf.math.tanh, f"shape={shape}"


def case_quantize(rng, tf):
    """float32 in and out around a TANH: QUANTIZE float32 -> int16, DEQUANTIZE back."""
    shape = random_shape(rng, rng.randint(1, 4), 1, 8)
    return [shape], tf.math.tanh, f"shape={shape} float32 ends"


CASES = {"add": binary("add"), "sub": binary("sub"), "mul": binary("mul"),
         "leaky_relu": case_leaky_relu, "pad": case_pad,
         "strided_slice": lambda rng, tf: case_strided_slice(rng, tf),
         "concatenation": case_concatenation, "reshape": case_reshape, "mean": case_mean,
         "softmax": case_softmax, "logistic": case_logistic, "tanh": case_tanh,
         "quantize": case_quantize}
# Cases whose model keeps float32 ends (QUANTIZE/DEQUANTIZE); the others take int16 in and out.
FLOAT_ENDS = {"quantize"}
INT_TYPES = {"int8": np.int8, "int16": np.int16, "int32": np.int32}
# The integer QUANTIZE forms, (input type, output type), written field by field.
REQUANTIZATIONS = [("int16", "int8"), ("int16", "int16"), ("int16", "int32"), ("int8", "int16")]
# Cases written field by field: TensorFlow's converter does not emit these forms.
BUILT_OPS = ("requantize", "softmax_int8_int16", "pot_add_sub")


def convert(tf, fn, shapes, rng, int16_ends):
    signature = [tf.TensorSpec(shape, tf.float32) for shape in shapes]
    concrete = tf.function(fn, input_signature=signature).get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])

    def representative():
        for _ in range(8):
            state = np.random.RandomState(rng.randint(0, 1 << 30))
            yield [state.uniform(-4, 4, shape).astype(np.float32) for shape in shapes]
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    if int16_ends:
        converter.inference_input_type = tf.int16
        converter.inference_output_type = tf.int16
    return converter.convert()


def built_requantize(rng, in_type, out_type):
    """One QUANTIZE between integer types; int16 symmetric, int8 with a random zero point."""
    from tflite_builder import TFLiteModel
    shape = random_shape(rng, rng.randint(1, 4), 1, 8)

    def quant(kind):
        scale = float(np.float32(2.0 ** rng.uniform(-14, -2)))
        return [scale], [rng.randint(-128, 127) if kind == "int8" else 0]
    model = TFLiteModel()
    in_quant, out_quant = quant(in_type), quant(out_type)
    if (in_type, out_type) == ("int16", "int32") and rng.random() < 0.5:
        # keyword_scrambled_8bit's: an int8 SOFTMAX's int16 probabilities to int32.
        in_quant, out_quant = ([1.0 / 65536], [-32768]), ([2.0 / 65536], [0])
    x = model.tensor("x", shape, INT_TYPES[in_type], *in_quant)
    y = model.tensor("y", shape, INT_TYPES[out_type], *out_quant)
    model.operator("QUANTIZE", 1, [x], [y])
    return model.serialize([x], [y]), [shape], f"{in_type} -> {out_type} shape={shape}"


def built_softmax_int8_int16(rng):
    """int8 -> int16 SOFTMAX (keyword_scrambled_8bit's): output scale 1/65536, zero point
    -32768."""
    from tflite_builder import TFLiteModel
    shape = random_shape(rng, rng.randint(1, 3), 1, 12)
    beta = rng.choice([1.0, 0.5, 2.0])
    model = TFLiteModel()
    x = model.tensor("x", shape, np.int8, [float(np.float32(2.0 ** rng.uniform(-6, -1)))],
                     [rng.randint(-128, 127)])
    y = model.tensor("y", shape, np.int16, [1.0 / 65536], [-32768])
    model.operator("SOFTMAX", 1, [x], [y], beta=beta)
    return model.serialize([x], [y]), [shape], f"int8 -> int16 shape={shape} beta={beta}"


def built_pot_add_sub(rng):
    """ADD or SUB with pot_scale_int16 and power-of-two scales (TFLite's LSTM-style path):
    one input at the output's scale, the other at it divided by 2^0 to 2^15."""
    from tflite_builder import TFLiteModel
    name = rng.choice(["ADD", "SUB"])
    shape = random_shape(rng, rng.randint(1, 4), 1, 8)
    out_log2 = rng.randint(-15, -8)
    shifted = rng.randint(0, 15)
    logs = [out_log2, out_log2 - shifted]
    rng.shuffle(logs)
    model = TFLiteModel()
    x = model.tensor("x", shape, np.int16, [2.0 ** logs[0]], [0])
    y = model.tensor("y", shape, np.int16, [2.0 ** logs[1]], [0])
    z = model.tensor("z", shape, np.int16, [2.0 ** out_log2], [0])
    activation = rng.choice([0, 0, 1])  # NONE or RELU
    model.operator(name, 2, [x, y], [z], activation=activation, pot_scale_int16=True)
    return model.serialize([x, y], [z]), [shape, shape], \
        f"{name} shape={shape} scales=2^{logs[0]},2^{logs[1]} -> 2^{out_log2} act={activation}"


def random_int_input(state, detail, _spec):
    info = np.iinfo(detail["dtype"]) if detail["dtype"] != np.float32 else None
    if info is None:
        return (state.standard_normal(tuple(detail["shape"])) * 2).astype(np.float32)
    return state.integers(info.min, info.max, tuple(detail["shape"]), dtype=detail["dtype"],
                          endpoint=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=3, help="models per operator")
    parser.add_argument("--ops", default=",".join(list(CASES) + list(BUILT_OPS)))
    args, work, rng = start_cases(parser, "int16_cases")
    import tensorflow as tf
    tally = Tally()
    make_input = lambda state: lambda detail, spec: random_int_input(state, detail, spec)  # noqa
    for op in args.ops.split(","):
        if op == "requantize":
            for index, (in_type, out_type) in enumerate(REQUANTIZATIONS * args.cases):
                path = os.path.join(work, f"requantize_{in_type}_{out_type}_{index}.tflite")
                tally.run_case(path, lambda: built_requantize(rng, in_type, out_type), args, rng,
                               make_input)
            continue
        if op == "pot_add_sub":
            for index in range(args.cases):
                path = os.path.join(work, f"pot_add_sub_{index}.tflite")
                tally.run_case(path, lambda: built_pot_add_sub(rng), args, rng, make_input)
            continue
        if op == "softmax_int8_int16":
            for index in range(args.cases):
                path = os.path.join(work, f"softmax_int8_int16_{index}.tflite")
                tally.run_case(path, lambda: built_softmax_int8_int16(rng), args, rng, make_input)
            continue
        if op not in CASES:
            raise SystemExit(f"int16_cases: unknown op {op} (known: {', '.join(CASES)})")
        for index in range(args.cases):
            path = os.path.join(work, f"{op}_{index}.tflite")
            shapes, fn, text = CASES[op](rng, tf)

            def build():
                model = convert(tf, fn, shapes, rng, op not in FLOAT_ENDS)
                return model, shapes, text
            tally.run_case(path, build, args, rng, make_input)
    return tally.summary("int16_cases")


if __name__ == "__main__":
    sys.exit(main())
