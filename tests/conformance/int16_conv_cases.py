"""16x8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV (int16 activations, int8
weights, int64 bias) written by TensorFlow's converter with
OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8, over strides, SAME/VALID
padding, dilation, depth multipliers, groups, fused RELU/RELU6, with and without bias, batch
rows; the converter quantizes weights per channel (per tensor too for Dense when asked).
lowbit's output bytes must equal the oracle's: LiteRT's reference kernels (BUILTIN_REF) for
CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, TensorFlow Lite Micro's interpreter (PyPI
tflite-micro) for TRANSPOSE_CONV, whose 16x8 reference kernel in LiteRT crashes on some models
(docs/conformance.md).

  .venv/bin/python tests/conformance/int16_conv_cases.py [--cases 6] [--seed N]
      [--kernel reference] [--build-dir build]

scripts/conformance.sh --int16-conv-cases builds the tools and runs this. Exit status 1 on any
difference.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import resize_cases  # noqa: E402  (start_sweep() serves every sweep)
from lowbit_tools import machine  # noqa: E402

KINDS = ("conv", "depthwise", "fully_connected", "transpose_conv")
EXPECTED_OPERATOR = {"conv": "CONV_2D", "depthwise": "DEPTHWISE_CONV_2D",
                     "fully_connected": "FULLY_CONNECTED", "transpose_conv": "TRANSPOSE_CONV"}


def keras_layer(rng, kind, index):
    """(layer, input shape, description) of one random case of `kind`."""
    import tensorflow as tf
    activation = [None, "relu", "relu6"][index % 3]
    use_bias = index % 4 != 3
    if kind == "fully_connected":
        rows, k, units = rng.choice([1, 1, 3]), rng.choice([1, 7, 16, 33, 100]), rng.choice([1, 5, 16])
        return (tf.keras.layers.Dense(units, activation=activation, use_bias=use_bias),
                (rows, k), f"Dense {rows}x{k} -> {units} {activation} bias {use_bias}")
    h, w, c = rng.randint(3, 9), rng.randint(3, 9), rng.choice([1, 2, 3, 8, 17])
    kernel = (rng.choice([1, 2, 3, 5]), rng.choice([1, 2, 3]))
    padding = rng.choice(["same", "valid"])
    strides = (rng.choice([1, 2]), rng.choice([1, 2, 3]))
    dilation = (1, 1)
    if kind != "transpose_conv" and index % 5 == 4:  # dilation needs stride 1 in Keras
        dilation, strides = (rng.choice([1, 2]), 2), (1, 1)
        w = max(w, 2 * (kernel[1] - 1) + 1)
        h = max(h, dilation[0] * (kernel[0] - 1) + 1)
    if padding == "valid":
        h = max(h, dilation[0] * (kernel[0] - 1) + 1)
        w = max(w, dilation[1] * (kernel[1] - 1) + 1)
    shape = (rng.choice([1, 1, 2]), h, w, c)
    where = (f"{shape} kernel {kernel} stride {strides} dilation {dilation} {padding} "
             f"{activation} bias {use_bias}")
    if kind == "conv":
        groups = c if c > 1 and index % 6 == 5 else 1
        filters = groups * rng.choice([1, 2, 4]) if groups > 1 else rng.choice([1, 4, 8, 16])
        return (tf.keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding,
                                       dilation_rate=dilation, groups=groups,
                                       activation=activation, use_bias=use_bias),
                shape, f"Conv2D {filters} groups {groups} {where}")
    if kind == "depthwise":
        multiplier = rng.choice([1, 1, 2, 3])
        return (tf.keras.layers.DepthwiseConv2D(kernel, strides=strides, padding=padding,
                                                depth_multiplier=multiplier,
                                                dilation_rate=dilation, activation=activation,
                                                use_bias=use_bias),
                shape, f"DepthwiseConv2D x{multiplier} {where}")
    filters = rng.choice([1, 3, 8, 16])
    if not use_bias:  # TensorFlow fuses no activation into a bias-less TRANSPOSE_CONV
        activation, where = None, where.replace(f"{activation} bias", "None bias")
    return (tf.keras.layers.Conv2DTranspose(filters, kernel, strides=strides, padding=padding,
                                            activation=activation, use_bias=use_bias),
            (1,) + shape[1:], f"Conv2DTranspose {filters} {where}")


def convert_16x8(layer, shape, seed, per_tensor_dense):
    """The layer as a 16x8 .tflite (int16 input and output) and an int16 input."""
    import tensorflow as tf
    model = tf.keras.Sequential([tf.keras.Input(shape[1:], batch_size=shape[0]), layer])
    weights_rng = np.random.default_rng(seed)
    # Random biases (Keras starts them at zero) so the int64 bias path matters.
    model.layers[-1].set_weights([weights_rng.uniform(-0.6, 0.6, np.shape(v)).astype(np.float32)
                                  for v in model.layers[-1].get_weights()])
    function = tf.function(model).get_concrete_function(tf.TensorSpec(shape, tf.float32))
    converter = tf.lite.TFLiteConverter.from_concrete_functions([function], model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: (
        [weights_rng.uniform(-1, 1, shape).astype(np.float32)] for _ in range(8))
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    converter.inference_input_type = tf.int16
    converter.inference_output_type = tf.int16
    if per_tensor_dense:
        converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    x = weights_rng.integers(-32768, 32768, shape).astype(np.int16)
    return converter.convert(), x


def tflm_outputs(path, x):
    """TensorFlow Lite Micro's interpreter on one input."""
    from tflite_micro.python.tflite_micro import runtime
    with open(path, "rb") as f:
        model = f.read()
    # The default arena (10x the model) is too small for models with few weights.
    interpreter = runtime.Interpreter.from_bytes(model, arena_size=len(model) * 10 + (4 << 20))
    interpreter.set_input(x, 0)
    interpreter.invoke()
    return [interpreter.get_output(0)]


def check(path, x, kind, args):
    """None when lowbit's output bytes equal the oracle's, else what went wrong."""
    try:
        operators = harness.LiteRTOracle(path, reference=True).operators()
    except (RuntimeError, ValueError) as refused:
        return "LITERT REFUSED: " + str(refused).splitlines()[0]
    if EXPECTED_OPERATOR[kind] not in operators:
        return f"TensorFlow wrote no {EXPECTED_OPERATOR[kind]}: {operators}"
    return resize_cases.check(path, x, args,
                              oracle_outputs=tflm_outputs if kind == "transpose_conv" else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=6, help="models per operator")
    parser.add_argument("--threads", type=int, default=1, help="lowbit threads")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated subset")
    args, seed, work, rng = resize_cases.start_sweep(parser, "int16_conv_cases")
    identical = {}
    for kind in args.kinds.split(","):
        identical[kind] = 0
        for index in range(args.cases):
            for attempt in range(3):
                layer, shape, what = keras_layer(rng, kind, index)
                per_tensor = kind == "fully_connected" and index % 2 == 1
                model, x = convert_16x8(layer, shape, seed + index + 1000 * attempt, per_tensor)
                path = os.path.join(work, f"{kind}_{index}.tflite")
                with open(path, "wb") as f:
                    f.write(model)
                problem = check(path, x, kind, args)
                # LiteRT refuses to prepare some converter outputs of tiny layers (a bias
                # scale more than 2% off in_s * w_s, a bias beyond its integer range):
                # no oracle, so draw another layer.
                refused = (problem or "").startswith("LITERT REFUSED: ")
                if not refused or "failed to prepare" not in problem:
                    break
                print(f"{kind}_{index} ({what}): LiteRT refuses the converter's model, redrawn",
                      flush=True)
            if problem:
                print(f"{kind}_{index} ({what}{', per-tensor' if per_tensor else ''}): {problem}",
                      flush=True)
            identical[kind] += problem is None
    counts = ", ".join(f"{kind} {count}/{args.cases}" for kind, count in identical.items())
    print(f"int16 conv cases identical: {counts}; {machine()}")
    return 0 if sum(identical.values()) == args.cases * len(identical) else 1


if __name__ == "__main__":
    sys.exit(main())
