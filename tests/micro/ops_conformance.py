#!/usr/bin/env python3
"""lowbit micro's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED against lowbit-run.

Builds small one-layer Keras models (strides 1/2, SAME/VALID, dilation 2,
1x1 and KxK filters, 1/3/more input channels, grouped convolution, depth
multiplier 2, RELU/RELU6/none, per-channel and per-tensor weights, with and
without bias, batch > 1), quantizes them to int8 with TFLite's full-integer
post-training quantization, converts them with lowbit-convert and runs each
under every requantization profile through lowbit-micro-run (the host's
SIMD kernels) and lowbit-micro-run-portable (the portable kernels) on random
inputs, comparing the output bytes with lowbit-run's on the same input.
Then random models from tests/conformance/op_cases.py (no TensorFlow: random
shapes, strides, dilations, paddings, activations including RELU_N1_TO_1,
depth multipliers up to 3, random zero points and biases, per-tensor or
per-channel scales in two regimes) the same way; a model both runtimes
refuse (an int32 accumulator that could overflow) counts as agreement.
Then the MLPerf Tiny int8 models (AD01, KWS, VWW from $LOWBIT_MODELS_DIR or
../shared/models/mlperf_tiny) whole, on random inputs; and models lowbit
micro must refuse with a message naming the tensor at fault (uint8 and
int16 activations, an accumulator that could overflow, weights that are not
constant, weights quantized along the wrong axis).
Exits 1 on any difference or failure.

  .venv/bin/python tests/micro/ops_conformance.py [--bin build/bin] [--keep DIR] [-k NAME]
      [--random N] [--seed S] [--no-mlperf]
"""
import argparse
import contextlib
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROFILES = ["tflite_reference", "single_rounding", "xnnpack_fp32", "tflite_optimized"]
MICRO_TOOLS = ["lowbit-micro-run", "lowbit-micro-run-portable"]


def conv(shape, filters, kernel, strides=1, padding="same", dilation=1, activation=None,
         use_bias=True, groups=1, batch=1):
    def build(tf):
        x = tf.keras.Input(shape=shape, batch_size=batch)
        y = tf.keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding,
                                   dilation_rate=dilation, activation=activation,
                                   use_bias=use_bias, groups=groups)(x)
        return tf.keras.Model(x, y)
    return build


def depthwise(shape, kernel, strides=1, padding="same", dilation=1, activation=None,
              use_bias=True, multiplier=1):
    def build(tf):
        x = tf.keras.Input(shape=shape, batch_size=1)
        y = tf.keras.layers.DepthwiseConv2D(kernel, strides=strides, padding=padding,
                                            dilation_rate=dilation, activation=activation,
                                            use_bias=use_bias, depth_multiplier=multiplier)(x)
        return tf.keras.Model(x, y)
    return build


def dense(shape, units, activation=None, use_bias=True, batch=1):
    def build(tf):
        x = tf.keras.Input(shape=shape, batch_size=batch)
        y = tf.keras.layers.Dense(units, activation=activation, use_bias=use_bias)(x)
        return tf.keras.Model(x, y)
    return build


# name -> (builder, per-channel weights)
CASES = {
    "conv3x3_s1_same_c3_relu": (conv((12, 12, 3), 8, 3, activation="relu"), True),
    "conv3x3_s2_valid_c3_relu6": (conv((13, 11, 3), 16, 3, 2, "valid", activation="relu6"), True),
    "conv3x3_s2_same_c3_pertensor": (conv((12, 12, 3), 8, 3, 2), False),
    "conv3x3_dil2_same_c8": (conv((10, 10, 8), 12, 3, dilation=2), True),
    "conv3x3_dil2_valid_c8_nobias": (conv((11, 9, 8), 8, 3, padding="valid", dilation=2,
                                          use_bias=False), True),
    "conv1x1_s1_c16": (conv((6, 6, 16), 24, 1), True),
    "conv1x1_s1_c16_pertensor_relu": (conv((6, 6, 16), 20, 1, activation="relu"), False),
    "conv1x1_s2_valid_c8": (conv((7, 7, 8), 8, 1, 2, "valid"), True),
    "conv10x4_s2_same_c1_relu": (conv((25, 10, 1), 16, (10, 4), 2, activation="relu"), True),
    "conv5x5_s1_valid_c1_nobias": (conv((9, 9, 1), 4, 5, padding="valid", use_bias=False), True),
    "conv3x3_s1_same_groups2": (conv((8, 8, 8), 8, 3, groups=2), True),
    "conv3x3_s1_same_batch2": (conv((6, 6, 4), 8, 3, batch=2), True),
    "conv1x1_s1_groups2": (conv((5, 5, 8), 6, 1, groups=2), True),
    "conv3x3_dil2x1_same_c4": (conv((8, 9, 4), 8, 3, dilation=(2, 1)), True),
    "conv3x3_s1_same_c32_oc40": (conv((7, 7, 32), 40, 3), True),
    "dw3x3_s1_same_c8_relu6": (depthwise((10, 10, 8), 3, activation="relu6"), True),
    "dw3x3_s2_same_c16_relu": (depthwise((11, 11, 16), 3, 2, activation="relu"), True),
    "dw3x3_s1_valid_c20_pertensor": (depthwise((9, 9, 20), 3, padding="valid"), False),
    "dw5x5_s1_valid_c24": (depthwise((10, 10, 24), 5, padding="valid"), True),
    "dw5x5_s2_same_c8_nobias": (depthwise((12, 12, 8), 5, 2, use_bias=False), True),
    "dw3x3_dil2_same_c8": (depthwise((10, 10, 8), 3, dilation=2), True),
    "dw3x5_s2_valid_c3": (depthwise((9, 11, 3), (3, 5), 2, "valid"), True),
    "dw7x7_s1_same_c1": (depthwise((9, 9, 1), 7), True),
    "dw3x3_s1_same_m2": (depthwise((8, 8, 4), 3, multiplier=2), True),
    "dw3x5_s1_same_m2_relu": (depthwise((8, 8, 3), (3, 5), multiplier=2, activation="relu"), True),
    "fc64x10_relu": (dense((64,), 10, activation="relu"), False),
    "fc33x7_nobias": (dense((33,), 7, use_bias=False), False),
    "fc_rank3_keepdims": (dense((4, 16), 8), False),
    "fc_batch5_relu6": (dense((40,), 24, activation="relu6", batch=5), False),
    "fc64x12_perchannel": (dense((64,), 12), True),
}


def make_tflite(tf, np, builder, per_channel, seed):
    tf.keras.utils.set_random_seed(seed)
    model = builder(tf)
    shape = [d for d in model.inputs[0].shape]
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(16):
            yield [rng.normal(0.0, 1.0, size=shape).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    converter._experimental_disable_per_channel = not per_channel
    converter._experimental_disable_per_channel_quantization_for_dense_layers = not per_channel
    with quiet_fds():
        return converter.convert()


@contextlib.contextmanager
def quiet_fds():
    """The converter's chatter (printed by C++ and Python alike) to /dev/null."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")
    return result.stdout


def refusal(cmd):
    """None when cmd succeeds, else its output (an error message)."""
    result = subprocess.run(cmd, capture_output=True, text=True)
    return None if result.returncode == 0 else (result.stdout + result.stderr).strip()


def check_model(bin_dir, lbm, work, seed):
    """Returns a list of mismatch descriptions (empty: all equal)."""
    failures = []
    for profile in PROFILES:
        for tool in MICRO_TOOLS:
            stem = os.path.join(work, f"{profile}-{tool}")
            micro_error = refusal([os.path.join(bin_dir, tool), lbm, "--random-inputs", str(seed),
                                   "--save-input", f"0={stem}.in", "--output", f"0={stem}.micro",
                                   "--profile", profile, "--quiet"])
            if micro_error:
                # The same refusal from both (and only an overflow guard's) is agreement.
                host_error = refusal([os.path.join(bin_dir, "lowbit-run"), lbm,
                                      "--profile", profile])
                if host_error and "overflow" in micro_error and "overflow" in host_error:
                    continue
                failures.append(f"{profile} {tool}: {micro_error}")
                continue
            host_error = refusal([os.path.join(bin_dir, "lowbit-run"), lbm, "--input",
                                  f"0={stem}.in", "--output", f"0={stem}.host", "--profile",
                                  profile])
            if host_error:
                failures.append(f"{profile} lowbit-run: {host_error}")
                continue
            with open(f"{stem}.micro", "rb") as f:
                micro = f.read()
            with open(f"{stem}.host", "rb") as f:
                host = f.read()
            if micro != host:
                diff = sum(a != b for a, b in zip(micro, host)) + abs(len(micro) - len(host))
                failures.append(f"{profile} {tool}: {diff} of {len(host)} bytes differ")
    return failures


def random_cases(count, seed):
    """(name, .tflite bytes) of count random CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
    int8 models each (tests/conformance/op_cases.py)."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
    import random
    import op_cases
    rng = random.Random(seed)
    for kind in ("conv", "dw", "fc"):
        for index in range(count):
            model, _ = op_cases.make_case(rng, kind, "int8")
            yield f"random_{kind}_{index}", model


def refused_cases():
    """(name, .tflite bytes, texts the refusal must contain) of models lowbit micro must refuse
    with a message naming the operand at fault."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
    import numpy as np
    from tflite_builder import SAME, TFLiteModel

    def layer(kind, dtype=np.int8, bias=None, constant_weights=True, w_axis=0, w_scales=1):
        model = TFLiteModel()
        x_shape, w_shape, y_shape = (([1, 4, 4, 2], [3, 3, 3, 2], [1, 4, 4, 3]) if kind == "CONV_2D"
                                     else ([1, 6], [3, 6], [1, 3]))
        w_dtype = np.int8 if dtype in (np.int8, np.int16) else dtype
        weights = np.ones(int(np.prod(w_shape)), w_dtype)
        x = model.tensor("x", x_shape, dtype, [0.05], [0])
        w = model.tensor("w", w_shape, w_dtype, [0.01] * w_scales, [0] * w_scales, w_axis,
                         weights if constant_weights else None)
        b = model.tensor("b", [3], np.int32, [0.0005], [0], 0,
                         np.full(3, 0 if bias is None else bias, np.int32))
        y = model.tensor("y", y_shape, dtype, [0.1], [0])
        inputs = [x] if constant_weights else [x, w]
        if kind == "CONV_2D":
            model.operator(kind, 3, [x, w, b], [y], padding=SAME, stride_w=1, stride_h=1,
                           activation=0, dilation_w=1, dilation_h=1)
        else:
            model.operator(kind, 4, [x, w, b], [y], activation=0, keep_num_dims=False)
        return model.serialize(inputs, [y])

    yield "refuse_uint8_conv", layer("CONV_2D", np.uint8), ["tensor 0 'x'", "uint8"]
    yield "refuse_int16_fc", layer("FULLY_CONNECTED", np.int16), ["tensor 0 'x'", "int16"]
    yield ("refuse_overflowing_bias", layer("CONV_2D", bias=2**31 - 2),
           ["overflow", "tensor 1 'w'"])
    yield ("refuse_variable_weights", layer("FULLY_CONNECTED", constant_weights=False),
           ["tensor 1 'w'", "not constant"])
    yield ("refuse_weights_axis", layer("FULLY_CONNECTED", w_axis=1, w_scales=6),
           ["tensor 1 'w'", "axis 1"])


def check_refusal(bin_dir, lbm, expected):
    failures = []
    for tool in MICRO_TOOLS:
        error = refusal([os.path.join(bin_dir, tool), lbm, "--random-inputs", "1", "--quiet"])
        if error is None:
            failures.append(f"{tool} ran the model; it should refuse it")
        elif not all(text in error for text in expected):
            failures.append(f"{tool}: the refusal {error!r} lacks one of {expected}")
    return failures


MLPERF_MODELS = ["ad01_int8", "kws_ref_model", "vww_96_int8"]


def mlperf_dir():
    return os.path.join(os.environ.get("LOWBIT_MODELS_DIR") or
                        os.path.join(os.path.dirname(ROOT), "shared", "models"), "mlperf_tiny")


def report(name, failures):
    print(f"{'ok' if not failures else 'FAIL':4} {name}", flush=True)
    for f in failures:
        print(f"     {f}")
    return bool(failures)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--keep", help="write the models and outputs here (else a temp dir)")
    parser.add_argument("-k", dest="only", help="run only cases whose name contains this")
    parser.add_argument("--random", type=int, default=20,
                        help="random models per operator (op_cases.py; default 20)")
    parser.add_argument("--seed", type=int, default=17, help="seed of the random models")
    parser.add_argument("--no-mlperf", action="store_true",
                        help="leave out the MLPerf Tiny models (AD01, KWS, VWW)")
    args = parser.parse_args()
    for tool in ["lowbit-run", "lowbit-convert"] + MICRO_TOOLS:
        if not os.path.exists(os.path.join(args.bin, tool)):
            print(f"ops_conformance: {tool} not found in {args.bin} (build it first)")
            return 1

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    with quiet_fds():
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")

    cases = {n: c for n, c in CASES.items() if not args.only or args.only in n}
    work_root = args.keep or tempfile.mkdtemp(prefix="lowbit-micro-ops-")
    failed = models = 0
    for index, (name, (builder, per_channel)) in enumerate(sorted(cases.items())):
        work = os.path.join(work_root, name)
        os.makedirs(work, exist_ok=True)
        tflite = os.path.join(work, "model.tflite")
        lbm = os.path.join(work, "model.lbm")
        try:
            with open(tflite, "wb") as f:
                f.write(make_tflite(tf, np, builder, per_channel, 1000 + index))
            run([os.path.join(args.bin, "lowbit-convert"), tflite, lbm])
            failures = check_model(args.bin, lbm, work, 7 + index)
        except Exception as e:  # a model that does not build or convert is a failure too
            failures = [f"setup: {e}"]
        failed += report(name, failures)
        models += 1
    for index, (name, model) in enumerate(random_cases(args.random, args.seed)):
        if args.only and args.only not in name:
            continue
        work = os.path.join(work_root, name)
        os.makedirs(work, exist_ok=True)
        tflite = os.path.join(work, "model.tflite")
        lbm = os.path.join(work, "model.lbm")
        with open(tflite, "wb") as f:
            f.write(model)
        try:
            run([os.path.join(args.bin, "lowbit-convert"), tflite, lbm])
            failures = check_model(args.bin, lbm, work, 500 + index)
        except RuntimeError as e:
            failures = [f"setup: {e}"]
        failed += report(name, failures)
        models += 1
    for index, name in enumerate([] if args.no_mlperf else MLPERF_MODELS):
        if args.only and args.only not in name:
            continue
        tflite = os.path.join(mlperf_dir(), name + ".tflite")
        work = os.path.join(work_root, name)
        os.makedirs(work, exist_ok=True)
        lbm = os.path.join(work, "model.lbm")
        try:
            if not os.path.exists(tflite):
                raise RuntimeError(f"{tflite} not found (looked in $LOWBIT_MODELS_DIR or "
                                   "../shared/models; --no-mlperf leaves these out)")
            run([os.path.join(args.bin, "lowbit-convert"), tflite, lbm])
            failures = check_model(args.bin, lbm, work, 900 + index)
        except RuntimeError as e:
            failures = [f"setup: {e}"]
        failed += report(name, failures)
        models += 1
    for name, model, expected in refused_cases():
        if args.only and args.only not in name:
            continue
        work = os.path.join(work_root, name)
        os.makedirs(work, exist_ok=True)
        tflite = os.path.join(work, "model.tflite")
        lbm = os.path.join(work, "model.lbm")
        with open(tflite, "wb") as f:
            f.write(model)
        try:
            run([os.path.join(args.bin, "lowbit-convert"), tflite, lbm])
            failures = check_refusal(args.bin, lbm, expected)
        except RuntimeError as e:
            failures = [f"setup: {e}"]
        failed += report(name, failures)
        models += 1
    if models == 0:
        print(f"ops_conformance: no case matches {args.only!r}")
        return 1
    print(f"ops_conformance: {models - failed} of {models} models pass (each under "
          f"{len(PROFILES)} profiles x {len(MICRO_TOOLS)} micro builds) in {work_root}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
