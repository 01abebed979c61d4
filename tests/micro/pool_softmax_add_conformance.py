"""lowbit micro's AVERAGE_POOL_2D, MAX_POOL_2D, SOFTMAX and ADD against the hosted runtime.

Small int8 models, converted to .lbm, run through lowbit-micro-run (the host's SIMD build) and
lowbit-micro-run-portable on random inputs and through lowbit-run on the same inputs, under
each of the four requantization profiles; the outputs must be equal byte for byte (lowbit-run
is bit-exact with LiteRT). The models: Keras layers quantized by TFLite's converter (pools with
SAME/VALID, strides and odd sizes; SOFTMAX rows; ADD of inputs at different scales, with RELU
fused, per-channel and row broadcasts) and models written field by field with
tests/conformance/tflite_builder.py for what the converter does not produce (beta != 1, fused
activations on pools, a scalar constant, an outer-product broadcast, rows of 5000, a fixed input
that tells SOFTMAX's fixed-point and float-table forms apart), and whole networks: a small
residual one (CONV_2D, MAX_POOL_2D, ADD with RELU, AVERAGE_POOL_2D, FULLY_CONNECTED, SOFTMAX) and
person_detect from ../shared/models ($LOWBIT_MODELS_DIR) on its sample input too. Cases lowbit
micro must refuse are checked to fail with a message naming the operator and the tensor at
fault.

    .venv/bin/python tests/micro/pool_softmax_add_conformance.py [--build-dir build] [--force]
        [--emulate BIN_DIR=QEMU_COMMAND ...]

Needs lowbit-run, lowbit-micro-run, lowbit-micro-run-portable and lowbit-convert built. About
5 s with the Keras models cached in BUILD/micro_pool_softmax_add_v<KERAS_MODELS_VERSION>/, 15 s
when they are generated (--force regenerates them). Exits 1 on any difference or failure.
"""
import argparse
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "conformance"))
import lowbit_tools  # noqa: E402
import numpy as np  # noqa: E402

PROFILES = ["tflite_reference", "single_rounding", "xnnpack_fp32", "tflite_optimized"]
MICRO_TOOLS = ["lowbit-micro-run", "lowbit-micro-run-portable"]
SEEDS = [1, 2]


def _models():
    """name -> (builder, per-input calibration ranges). Builders import TensorFlow lazily."""
    import tensorflow as tf
    keras, layers = tf.keras, tf.keras.layers

    def single(shape, make):
        x = keras.Input(shape, batch_size=1)
        return keras.Model(x, make(x))

    def pool(kind, shape, size, strides, padding):
        layer = layers.AveragePooling2D if kind == "avg" else layers.MaxPooling2D
        return lambda: single(shape, lambda x: layer(size, strides=strides, padding=padding)(x))

    def two_inputs(shape_a, shape_b, make):
        a, b = keras.Input(shape_a, batch_size=1), keras.Input(shape_b, batch_size=1)
        return keras.Model([a, b], make(a, b))

    def residual_net():
        x = keras.Input((20, 20, 3), batch_size=1)
        y = layers.Conv2D(12, 3, padding="same", activation="relu")(x)
        y = layers.MaxPooling2D(3, strides=2, padding="same")(y)
        z = layers.Conv2D(12, 3, padding="same", activation="relu")(y)
        z = layers.Conv2D(12, 3, padding="same")(z)
        y = layers.ReLU()(layers.Add()([y, z]))
        y = layers.AveragePooling2D(2)(y)
        y = layers.Dense(10)(layers.Flatten()(y))
        return keras.Model(x, layers.Softmax()(y))

    rng = tf.random.Generator.from_seed(7)
    channel_bias = tf.constant(rng.uniform((24,), -2.0, 2.0))

    one = [(-1.0, 1.0)]
    two = [(-1.0, 1.0), (-4.0, 3.0)]  # different input scales (and zero points)
    return {
        # Pools: SAME and VALID, strides, odd sizes, channel counts around the SIMD widths.
        "avg_same_3x3_s2": (pool("avg", (9, 11, 5), 3, 2, "same"), one),
        "avg_valid_2x2_s1": (pool("avg", (7, 6, 40), 2, 1, "valid"), one),
        "avg_same_3x2_s1x2": (pool("avg", (5, 7, 17), (3, 2), (1, 2), "same"), one),
        "avg_global_valid": (pool("avg", (6, 5, 33), (6, 5), 1, "valid"), one),
        "max_same_3x3_s2": (pool("max", (9, 11, 5), 3, 2, "same"), one),
        "max_valid_2x2_s2": (pool("max", (8, 7, 64), 2, 2, "valid"), one),
        "max_same_2x3_s2x1": (pool("max", (5, 9, 35), (2, 3), (2, 1), "same"), one),
        # SOFTMAX: rows of several lengths (beta != 1: BUILT_MODELS).
        "softmax_rows10": (lambda: single((6, 10), lambda x: layers.Softmax()(x)), [(-4.0, 4.0)]),
        "softmax_rows300": (lambda: single((3, 300), lambda x: layers.Softmax()(x)), [(-8.0, 8.0)]),
        # ADD: different input scales, fused RELU, broadcasts.
        "add_same_shape": (lambda: two_inputs((5, 7, 19), (5, 7, 19),
                                              lambda a, b: layers.Add()([a, b])), two),
        "add_relu": (lambda: two_inputs((4, 4, 40), (4, 4, 40),
                                        lambda a, b: layers.ReLU()(layers.Add()([a, b]))), two),
        "add_channel_input": (lambda: two_inputs((6, 5, 24), (1, 1, 24),
                                                 lambda a, b: layers.Add()([a, b])), two),
        "add_channel_constant": (lambda: single((6, 5, 24), lambda x: x + channel_bias), one),
        "add_rows_broadcast": (lambda: two_inputs((3, 1, 8), (1, 5, 8),
                                                  lambda a, b: layers.Add()([a, b])), two),
        # The four inside a network (with CONV_2D and FULLY_CONNECTED).
        "residual_net": (residual_net, one),
    }


# Raised whenever _models() changes, so a cached model is never a stale one.
KERAS_MODELS_VERSION = 1
# _models()'s names, in its order (the seeds follow it), known without importing TensorFlow.
KERAS_MODELS = ["avg_same_3x3_s2", "avg_valid_2x2_s1", "avg_same_3x2_s1x2", "avg_global_valid",
                "max_same_3x3_s2", "max_valid_2x2_s2", "max_same_2x3_s2x1", "softmax_rows10",
                "softmax_rows300", "add_same_shape", "add_relu", "add_channel_input",
                "add_channel_constant", "add_rows_broadcast", "residual_net"]


def _built(name, make):
    """A model written field by field (tests/conformance/tflite_builder.py): what Keras's
    converter does not produce (beta, fused activations on pools, scalar operands) and the
    operands lowbit micro must refuse. make(model, tensor) returns (inputs, outputs)."""
    def build():
        from tflite_builder import TFLiteModel
        model = TFLiteModel()

        def tensor(shape, scale, zero_point, dtype=np.int8, data=None):
            scales = scale if isinstance(scale, list) else [scale]
            zero_points = zero_point if isinstance(zero_point, list) else [zero_point]
            return model.tensor(f"{name}_{len(model.tensors)}", shape, dtype, scales,
                                zero_points, axis=len(shape) - 1, data=data)
        inputs, outputs = make(model, tensor)
        return model.serialize(inputs, outputs)
    return build


def _softmax(shape, scale, zero_point, beta, out_scale=1.0 / 256):
    def make(model, tensor):
        x, y = tensor(shape, scale, zero_point), tensor(shape, out_scale, -128)
        model.operator("SOFTMAX", 1, [x], [y], beta=beta)
        return [x], [y]
    return make


def _pool(op, shape, out_shape, filter_hw, stride_hw, padding, activation, scale, zero_point,
          out_zero_point=None, dtype=np.int8):
    def make(model, tensor):
        x = tensor(shape, scale, zero_point, dtype)
        y = tensor(out_shape, scale, zero_point if out_zero_point is None else out_zero_point,
                   dtype)
        model.operator(op, 1, [x], [y], padding=padding, stride_h=stride_hw[0],
                       stride_w=stride_hw[1], filter_height=filter_hw[0],
                       filter_width=filter_hw[1], activation=activation)
        return [x], [y]
    return make


def _add(a_shape, b_shape, out_shape, activation, a_quant=(0.05, 3), b_quant=(0.12, -7),
         out_quant=(0.1, -2), b_constant=None):
    def make(model, tensor):
        a = tensor(a_shape, *a_quant)
        b = tensor(b_shape, *b_quant, data=b_constant)
        y = tensor(out_shape, *out_quant)
        model.operator("ADD", 1, [a, b], [y], activation=activation)
        return ([a] if b_constant is not None else [a, b]), [y]
    return make


RELU, RELU6, RELU_N1_TO_1 = 1, 2, 3
SAME, VALID = 0, 1
BUILT_MODELS = {name: _built(name, make) for name, make in {
    "softmax_beta_0_35": _softmax([3, 37], 0.05, 5, 0.35),
    "softmax_beta_2": _softmax([2, 2, 19], 0.1, -3, 2.0),
    "softmax_long_rows": _softmax([2, 5000], 0.08, 0, 1.0),  # tflite_reference refuses
    "softmax_equal_rows": _softmax([2, 512], 0.05, 0, 1.0),  # FIXED_INPUTS
    "avg_relu6_clipped_window": _pool("AVERAGE_POOL_2D", [1, 3, 4, 20], [1, 3, 4, 20], (5, 5),
                                      (1, 1), SAME, RELU6, 0.04, -20),
    "max_relu_n1_to_1": _pool("MAX_POOL_2D", [2, 6, 6, 9], [2, 3, 3, 9], (2, 2), (2, 2), VALID,
                              RELU_N1_TO_1, 0.02, 4),
    "add_relu6_scalar_constant": _add([2, 3, 33], [1], [2, 3, 33], RELU6,
                                      b_constant=np.array([37], np.int8)),
    "add_relu_n1_to_1_rank2": _add([4, 7], [4, 7], [4, 7], RELU_N1_TO_1,
                                   out_quant=(0.01, 0)),
    "add_outer_broadcast": _add([3, 1, 5, 1], [1, 4, 1, 6], [3, 4, 5, 6], RELU),
}.items()}

# Inputs besides the random ones: name -> input 0. Rows of 512 equal values put every
# probability exactly on a rounding boundary (256 / 512 = 0.5), where TFLite's fixed-point
# SOFTMAX (tflite_reference) gives -128 and its float-table form (the other profiles) -127:
# random inputs almost never tell the two forms apart.
FIXED_INPUTS = {
    "softmax_equal_rows": lambda: np.array([[7] * 512, [-100] * 512], np.int8).tobytes(),
    "person_detect": lambda: _read_shared("tflite_micro/person_96x96_int8.bin"),
}

# Whole models of ../shared/models ($LOWBIT_MODELS_DIR) with these operators.
SHARED_MODELS = {"person_detect": "tflite_micro/person_detect.tflite"}


def _shared_path(relative):
    path = os.path.join(lowbit_tools.SHARED_MODELS, relative)
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: the shared models are looked up in "
                         f"{lowbit_tools.SHARED_MODELS} (set LOWBIT_MODELS_DIR)")
    return path


def _read_shared(relative):
    with open(_shared_path(relative), "rb") as f:
        return f.read()

# Models (or profiles) lowbit micro must refuse: name -> (model, profile, words the message
# must hold: the operator and the tensor at fault).
REFUSALS = {
    "softmax_long_rows_reference": ("softmax_long_rows", "tflite_reference",
                                    ["SOFTMAX (operator 0)", "softmax_long_rows_0", "4095"]),
    "softmax_long_rows_optimized": ("softmax_long_rows", "tflite_optimized",
                                    ["SOFTMAX (operator 0)", "softmax_long_rows_0", "4095"]),
    "softmax_output_scale": (_built("softmax_output_scale",
                                    _softmax([2, 10], 0.1, 0, 1.0, out_scale=1.0 / 128)), None,
                             ["SOFTMAX (operator 0)", "softmax_output_scale_1", "1/256"]),
    "pool_uint8": (_built("pool_uint8", _pool("MAX_POOL_2D", [1, 4, 4, 3], [1, 2, 2, 3], (2, 2),
                                              (2, 2), VALID, 0, 0.1, 128, dtype=np.uint8)),
                   None, ["MAX_POOL_2D (operator 0)", "pool_uint8_0", "uint8"]),
    "pool_requantizes": (_built("pool_requantizes",
                                _pool("AVERAGE_POOL_2D", [1, 4, 4, 3], [1, 2, 2, 3], (2, 2),
                                      (2, 2), VALID, 0, 0.1, 1, out_zero_point=2)),
                         None, ["AVERAGE_POOL_2D (operator 0)", "pool_requantizes_1"]),
    "add_per_channel": (_built("add_per_channel",
                               _add([2, 3], [2, 3], [2, 3], 0, b_quant=([0.1, 0.2, 0.3],
                                                                        [0, 0, 0]))),
                        None, ["ADD (operator 0)", "add_per_channel_1", "per-tensor"]),
}


REFUSED_PROFILES = {(model, profile) for model, profile, _ in REFUSALS.values()
                    if isinstance(model, str)}


def _convert_int8(model, ranges, rng):
    import numpy as np
    import tensorflow as tf

    def representative():
        for _ in range(48):
            yield [rng.uniform(lo, hi, (1,) + tuple(t.shape[1:])).astype(np.float32)
                   for t, (lo, hi) in zip(model.inputs, ranges)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def generate(out_dir, force):
    """Writes the Keras models' .tflite files (missing ones only, unless force) and the built
    ones; returns name -> path."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    missing = []
    for name in KERAS_MODELS:
        paths[name] = os.path.join(out_dir, f"{name}.tflite")
        if force or not os.path.exists(paths[name]):
            missing.append(name)
    if missing:
        import numpy as np
        import tensorflow as tf
        models = _models()
        for name in missing:
            index = KERAS_MODELS.index(name)
            tf.keras.utils.set_random_seed(100 + index)
            build, ranges = models[name]
            assert list(models) == KERAS_MODELS, "KERAS_MODELS must list _models() in order"
            data = _convert_int8(build(), ranges, np.random.default_rng(100 + index))
            with open(paths[name], "wb") as f:
                f.write(data)
    for name, build in BUILT_MODELS.items():
        paths[name] = os.path.join(out_dir, f"{name}.tflite")
        with open(paths[name], "wb") as f:
            f.write(build())
    for name, relative in SHARED_MODELS.items():
        paths[name] = _shared_path(relative)
    return paths


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def micro_runners(build_dir, emulated):
    """(label, command prefix) of every micro build to check: the host's two, and each
    --emulate BIN_DIR=QEMU_COMMAND's two under that emulator."""
    runners = [(t, [lowbit_tools.tool(t, build_dir)]) for t in MICRO_TOOLS]
    for spec in emulated:
        bin_dir, _, emulator = spec.partition("=")
        for t in MICRO_TOOLS:
            path = os.path.join(bin_dir, t)
            if not os.path.exists(path):
                raise SystemExit(f"{path} is missing: build {t} in that cross build first")
            runners.append((f"{emulator.split()[0]} {t}", emulator.split() + [path]))
    return runners


def compare_model(name, lbm, build_dir, runners, tmp):
    """Runs every profile, micro build and seed; returns the list of failures."""
    failures = []
    host_run = lowbit_tools.tool("lowbit-run", build_dir)
    kernels = set()
    runs = 0
    fixed_outputs = {}  # (tool, profile) -> the micro output on FIXED_INPUTS
    for index, (tool_name, micro) in enumerate(runners):
        tag = f"{index}"
        for profile in PROFILES:
            if (name, profile) in REFUSED_PROFILES:
                continue
            for seed in SEEDS + (["fixed"] if name in FIXED_INPUTS else []):
                stem = os.path.join(tmp, f"{name}.{tag}.{profile}.{seed}")
                if seed == "fixed":
                    with open(f"{stem}.in0", "wb") as f:
                        f.write(FIXED_INPUTS[name]())
                    source = ["--input", f"0={stem}.in0"]
                else:
                    source = ["--random-inputs", str(seed)]
                    for i in range(2):
                        source += ["--save-input", f"{i}={stem}.in{i}"]
                runs += 1
                code, text = run(micro + [lbm, "--profile", profile,
                                  "--output", f"0={stem}.micro"] + source)
                if code != 0:
                    failures.append(f"{name} {tool_name} {profile}: micro failed: {text.strip()}")
                    continue
                kernels.update(line.split(": ", 1)[1] for line in text.splitlines()
                               if line.startswith("operator "))
                host_inputs = []
                for i in range(2):
                    if os.path.exists(f"{stem}.in{i}"):
                        host_inputs += ["--input", f"{i}={stem}.in{i}"]
                code, text = run([host_run, lbm, "--profile", profile,
                                  "--output", f"0={stem}.host"] + host_inputs)
                if code != 0:
                    failures.append(f"{name} {profile}: lowbit-run failed: {text.strip()}")
                    continue
                with open(f"{stem}.micro", "rb") as f:
                    micro_bytes = f.read()
                with open(f"{stem}.host", "rb") as f:
                    host_bytes = f.read()
                if seed == "fixed":
                    fixed_outputs[(tool_name, profile)] = micro_bytes
                if micro_bytes != host_bytes or not micro_bytes:
                    differing = sum(x != y for x, y in zip(micro_bytes, host_bytes))
                    failures.append(f"{name} {tool_name} {profile} seed {seed}: outputs differ "
                                    f"({len(micro_bytes)} vs {len(host_bytes)} bytes, "
                                    f"{differing} differing)")
    for tool_name, _ in runners if name == "softmax_equal_rows" else []:
        fixed = fixed_outputs.get((tool_name, "tflite_reference"))
        if fixed is None or fixed == fixed_outputs.get((tool_name, "single_rounding")):
            failures.append(f"{name} {tool_name}: the fixed input no longer tells SOFTMAX's "
                            "fixed-point and float-table forms apart")
    return failures, kernels, runs


def check_refusals(lbm_paths, build_dir, runners, tmp):
    """Every micro build refuses each REFUSALS case with a message naming the operator and
    the tensor at fault; returns the failures."""
    failures = []
    for case, (model, profile, words) in REFUSALS.items():
        if isinstance(model, str):
            lbm = lbm_paths[model]
        else:
            tflite = os.path.join(tmp, f"{case}.tflite")
            with open(tflite, "wb") as f:
                f.write(model())
            lbm = lowbit_tools.convert_or_exit(tflite, os.path.join(tmp, f"{case}.lbm"),
                                               build_dir)
        for tool_name, micro in runners:
            code, text = run(micro + [lbm, "--random-inputs", "1",
                                      "--profile", profile or "tflite_reference"])
            missing = [w for w in words if w not in text]
            if code == 0 or missing:
                failures.append(f"refusal {case} {tool_name}: exit {code}, missing {missing}: "
                                f"{text.strip()}")
        print(f"{'FAIL' if failures and failures[-1].startswith(f'refusal {case} ') else 'ok':4} "
              f"refuses {case}: {text.strip()}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(lowbit_tools.ROOT, "build"))
    parser.add_argument("--force", action="store_true", help="regenerate the .tflite models")
    parser.add_argument("--emulate", action="append", default=[], metavar="BIN_DIR=QEMU",
                        help="also check a cross build's micro tools under an emulator, e.g. "
                        "build-aarch64/bin='qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu' "
                        "(repeatable)")
    args = parser.parse_args()
    runners = micro_runners(args.build_dir, args.emulate)
    model_dir = os.path.join(args.build_dir, f"micro_pool_softmax_add_v{KERAS_MODELS_VERSION}")
    paths = generate(model_dir, args.force)
    failures = []
    runs = 0
    lbm_paths = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, tflite in paths.items():
            lbm = lowbit_tools.convert_or_exit(tflite, os.path.join(tmp, f"{name}.lbm"),
                                               args.build_dir)
            lbm_paths[name] = lbm
            model_failures, kernels, model_runs = compare_model(name, lbm, args.build_dir,
                                                                runners, tmp)
            runs += model_runs
            status = "FAIL" if model_failures else "ok"
            print(f"{status:4} {name}: kernels {', '.join(sorted(kernels))}")
            failures += model_failures
        failures += check_refusals(lbm_paths, args.build_dir, runners, tmp)
    for f in failures:
        print("FAIL", f)
    print(f"{len(paths)} models, {runs} micro runs compared with lowbit-run byte for byte, "
          f"{len(REFUSALS)} refusals checked: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
