"""TensorFlow float16-quantized models (target_spec.supported_types = [tf.float16]: float16
constant weights behind DEQUANTIZE) of real architectures through lowbit-run, against
(a) LiteRT BUILTIN_REF running the same float16 .tflite, within float_own_cases.py's float
tolerance (both widen the weights to float32 once and compute in float32), and (b) the float32
model the float16 one was converted from, within FP16_WEIGHT_TOLERANCE (the weights' rounding
to half precision is the only difference). With --float-precision fp16 (half-precision
arithmetic through XNNPACK) lowbit is held to FP16_ARITHMETIC_TOLERANCE against the float32
model, or, where this CPU or build cannot, must refuse with its named error.

The architectures are defined here with random weights (fixed seed): a small CNN, a
depthwise-separable keyword-spotting net (the DS-CNN of MLPerf Tiny's kws_ref_model), Keras'
MobileNetV1 alpha 0.25 at 96x96 (the architecture of MLPerf Tiny's vww_96_float), an LSTM and
a dense net. The shared kws/vww float models ship as .tflite only (no Keras source), so the
TensorFlow converter cannot make their float16 versions; these stand in.

Usage: float16_cases.py --build-dir DIR [--inputs N] [--seed N] [--models a,b]
"""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import float_own_cases  # noqa: E402
import harness  # noqa: E402
from lowbit_tools import convert_or_exit  # noqa: E402

# |lowbit(float16 model) - float32 model| <= FP16_WEIGHT_TOLERANCE x max|output|: each weight
# moves by up to 2^-11 of itself (half precision's rounding), which sums to about 1e-3 of an
# output's scale in these nets; 1e-2 leaves room without hiding a wrong weight.
FP16_WEIGHT_TOLERANCE = 1e-2
# Half-precision arithmetic also rounds every activation to 11 significant bits, layer after
# layer.
FP16_ARITHMETIC_TOLERANCE = 3e-2


def build_models(tf, seed):
    """name -> Keras model, random weights from `seed`."""
    layers = tf.keras.layers
    tf.keras.utils.set_random_seed(seed)
    models = {}
    models["cnn"] = tf.keras.Sequential([
        layers.Input((28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, activation="relu", padding="same"), layers.MaxPooling2D(),
        layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10)])
    ds = [layers.Input((49, 10, 1)), layers.Conv2D(64, (10, 4), strides=2, padding="same"),
          layers.BatchNormalization(), layers.ReLU()]
    for _ in range(4):
        ds += [layers.DepthwiseConv2D(3, padding="same"), layers.BatchNormalization(),
               layers.ReLU(), layers.Conv2D(64, 1), layers.BatchNormalization(), layers.ReLU()]
    ds += [layers.GlobalAveragePooling2D(), layers.Dense(12)]
    models["ds_cnn_kws"] = tf.keras.Sequential(ds)
    models["mobilenet_v1_0.25_96"] = tf.keras.applications.MobileNet(
        input_shape=(96, 96, 3), alpha=0.25, weights=None, classes=2, classifier_activation=None)
    models["lstm"] = tf.keras.Sequential([
        layers.Input((16, 8), batch_size=1), layers.LSTM(32), layers.Dense(10)])
    models["dense"] = tf.keras.Sequential([
        layers.Input((64,)), layers.Dense(128, activation="relu"),
        layers.Dense(64, activation="tanh"), layers.Dense(10, activation="softmax")])
    # BatchNormalization's initial statistics are the identity; random ones make the folded
    # weights less regular.
    rng = np.random.default_rng(seed)
    for model in models.values():
        for layer in model.layers:
            if isinstance(layer, layers.BatchNormalization):
                gamma, beta, mean, var = layer.get_weights()
                layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape).astype(np.float32),
                                   rng.uniform(-0.2, 0.2, beta.shape).astype(np.float32),
                                   rng.uniform(-0.2, 0.2, mean.shape).astype(np.float32),
                                   rng.uniform(0.5, 1.5, var.shape).astype(np.float32)])
    return models


def convert(tf, model, float16):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if float16:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()


def relative_to_scale(actual, expected):
    """max |actual - expected| / max |expected|."""
    expected = expected.astype(np.float64)
    scale = float(np.max(np.abs(expected))) or 1.0
    return float(np.max(np.abs(actual.astype(np.float64) - expected))) / scale


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--inputs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--models", help="comma-separated subset of the model names")
    args = parser.parse_args()
    import tensorflow as tf
    models = build_models(tf, args.seed)
    if args.models:
        unknown = set(args.models.split(",")) - set(models)
        if unknown:
            raise SystemExit(f"unknown models {sorted(unknown)}; known: {sorted(models)}")
        models = {name: models[name] for name in args.models.split(",")}
    rng = np.random.default_rng(args.seed)
    failures = 0
    print(f"tolerances: vs LiteRT BUILTIN_REF on the float16 model: "
          f"{float_own_cases.ABS_TOLERANCE:g} x max|output| + {float_own_cases.REL_TOLERANCE:g} "
          f"x |output|; vs the float32 model: {FP16_WEIGHT_TOLERANCE:g} x max|output| "
          f"(--float-precision fp16: {FP16_ARITHMETIC_TOLERANCE:g} x max|output|)")
    with tempfile.TemporaryDirectory(prefix="lowbit-float16-") as scratch:
        for name, model in models.items():
            paths = {}
            for kind in ("float32", "float16"):
                paths[kind] = os.path.join(scratch, f"{name}_{kind}.tflite")
                with open(paths[kind], "wb") as f:
                    f.write(convert(tf, model, kind == "float16"))
            oracle16 = harness.LiteRTOracle(paths["float16"], reference=True)
            ops = oracle16.operators()
            if "DEQUANTIZE" not in ops:
                print(f"FAIL {name}: the float16 model has no DEQUANTIZE ({sorted(set(ops))})")
                failures += 1
                continue
            oracle32 = harness.LiteRTOracle(paths["float32"], reference=True)
            lbm = convert_or_exit(paths["float16"], os.path.join(scratch, name + ".lbm"),
                                  args.build_dir)
            vs_litert = [0.0, 0.0, True]
            vs_float32 = 0.0
            fp16_error, fp16_refusal = 0.0, None
            for _ in range(args.inputs):
                inputs = [harness.random_input(rng, dtype, shape)
                          for dtype, shape, _ in oracle16.input_specs()]
                # Each lowbit-run starts from zero state: so must LiteRT (the LSTM's state
                # carries over between its invokes).
                oracle16.reset_state()
                oracle32.reset_state()
                expected16 = oracle16.run(inputs)
                expected32 = oracle32.run(inputs)
                got = harness.run_lowbit(lbm, inputs, oracle16.output_specs(), "tflite_reference",
                                         args.build_dir)
                for actual, want16, want32 in zip(got, expected16, expected32):
                    float_own_cases.accumulate(vs_litert, float_own_cases.compare(actual, want16))
                    vs_float32 = max(vs_float32, relative_to_scale(actual, want32))
                try:
                    half = harness.run_lowbit(lbm, inputs, oracle16.output_specs(),
                                              "tflite_reference", args.build_dir,
                                              float_precision="fp16")
                    for actual, want32 in zip(half, expected32):
                        fp16_error = max(fp16_error, relative_to_scale(actual, want32))
                except RuntimeError as error:
                    fp16_refusal = str(error)
            max_abs, max_rel, ok = vs_litert
            print(f"{'ok  ' if ok else 'FAIL'} {name} float16 model vs LiteRT BUILTIN_REF: "
                  f"max abs error {max_abs:.3g}, max relative error {max_rel:.3g}")
            failures += not ok
            ok = vs_float32 <= FP16_WEIGHT_TOLERANCE
            print(f"{'ok  ' if ok else 'FAIL'} {name} float16 model vs the float32 model: "
                  f"max error {vs_float32:.3g} of max|output|")
            failures += not ok
            if fp16_refusal is None:
                ok = fp16_error <= FP16_ARITHMETIC_TOLERANCE
                print(f"{'ok  ' if ok else 'FAIL'} {name} --float-precision fp16 vs the float32 "
                      f"model: max error {fp16_error:.3g} of max|output|")
                failures += not ok
            else:
                # Only the named refusal (no half-precision arithmetic here) is acceptable.
                ok = "float precision fp16" in fp16_refusal
                print(f"{'n/a ' if ok else 'FAIL'} {name} --float-precision fp16: {fp16_refusal}")
                failures += not ok
    print(f"float16_cases: {failures} checks outside their tolerance")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
