"""lowbit micro's AVERAGE_POOL_2D, MAX_POOL_2D, SOFTMAX and ADD against the hosted runtime:
small int8 TFLite models (Keras + full-integer post-training quantization) converted to .lbm,
run by lowbit-micro-run (the host's SIMD build) and lowbit-micro-run-portable on random inputs
and by lowbit-run on the same inputs, in every requantization profile; the outputs must be
equal byte for byte (lowbit-run is bit-exact with LiteRT). Models a micro operator must refuse
are checked to fail with a message naming the operator.

    .venv/bin/python tests/micro/pool_softmax_add_conformance.py [--build-dir build]

Exits non-zero on any mismatch or failure. Models are cached in BUILD/micro_pool_softmax_add/
(regenerated with --force).
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

PROFILES = ["tflite_reference", "single_rounding", "xnnpack_fp32", "tflite_optimized"]
MICRO_TOOLS = ["lowbit-micro-run", "lowbit-micro-run-portable"]
SEEDS = [1, 2]


def _models():
    """name -> (builder, per-input calibration ranges). Builders import TensorFlow lazily."""
    import tensorflow as tf
    keras, layers = tf.keras, tf.keras.layers

    def single(shape, make, inputs=1):
        tensors = [keras.Input(s, batch_size=1) for s in ([shape] * inputs if inputs > 1 else [shape])]
        out = make(*tensors)
        return keras.Model(tensors if inputs > 1 else tensors[0], out)

    def pool(kind, shape, size, strides, padding):
        layer = layers.AveragePooling2D if kind == "avg" else layers.MaxPooling2D
        return lambda: single(shape, lambda x: layer(size, strides=strides, padding=padding)(x))

    def two_inputs(shape_a, shape_b, make):
        a, b = keras.Input(shape_a, batch_size=1), keras.Input(shape_b, batch_size=1)
        return keras.Model([a, b], make(a, b))

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
        # SOFTMAX: rows of several lengths, beta folded from a scaled input.
        "softmax_rows10": (lambda: single((6, 10), lambda x: layers.Softmax()(x)), [(-4.0, 4.0)]),
        "softmax_rows300": (lambda: single((3, 300), lambda x: layers.Softmax()(x)), [(-8.0, 8.0)]),
        "softmax_beta": (lambda: single((4, 37), lambda x: tf.nn.softmax(x * 0.35)), [(-6.0, 6.0)]),
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
    }


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
    """Writes the .tflite models (missing ones only, unless force); returns name -> path."""
    os.makedirs(out_dir, exist_ok=True)
    names = list(_MODEL_NAMES)
    paths = {n: os.path.join(out_dir, f"{n}.tflite") for n in names}
    if force or any(not os.path.exists(p) for p in paths.values()):
        import numpy as np
        import tensorflow as tf
        for index, (name, (build, ranges)) in enumerate(_models().items()):
            if os.path.exists(paths[name]) and not force:
                continue
            tf.keras.utils.set_random_seed(100 + index)
            data = _convert_int8(build(), ranges, np.random.default_rng(100 + index))
            with open(paths[name], "wb") as f:
                f.write(data)
    return paths


_MODEL_NAMES = ["avg_same_3x3_s2", "avg_valid_2x2_s1", "avg_same_3x2_s1x2", "avg_global_valid",
                "max_same_3x3_s2", "max_valid_2x2_s2", "max_same_2x3_s2x1", "softmax_rows10",
                "softmax_rows300", "softmax_beta", "add_same_shape", "add_relu",
                "add_channel_input", "add_channel_constant", "add_rows_broadcast"]


def model_inputs(lbm_path, build_dir):
    """The number of graph inputs, from lowbit-micro-run's kernel listing of a dry run."""
    text = lowbit_tools.run_tool([lowbit_tools.tool("lowbit-micro-run-portable", build_dir),
                                  lbm_path, "--random-inputs", "1"])
    return text


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def compare_model(name, lbm, build_dir, tmp):
    """Runs every profile, micro build and seed; returns the list of failures."""
    failures = []
    host_run = lowbit_tools.tool("lowbit-run", build_dir)
    kernels = set()
    for tool_name in MICRO_TOOLS:
        micro = lowbit_tools.tool(tool_name, build_dir)
        for profile in PROFILES:
            for seed in SEEDS:
                stem = os.path.join(tmp, f"{name}.{tool_name}.{profile}.{seed}")
                saves = []
                for i in range(2):
                    saves += ["--save-input", f"{i}={stem}.in{i}"]
                code, text = run([micro, lbm, "--random-inputs", str(seed), "--profile", profile,
                                  "--output", f"0={stem}.micro"] + saves)
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
                if micro_bytes != host_bytes or not micro_bytes:
                    differing = sum(x != y for x, y in zip(micro_bytes, host_bytes))
                    failures.append(f"{name} {tool_name} {profile} seed {seed}: outputs differ "
                                    f"({len(micro_bytes)} vs {len(host_bytes)} bytes, "
                                    f"{differing} differing)")
    return failures, kernels


def check_refusals(build_dir, tmp):
    """Models the micro operators must refuse with a message naming the operator."""
    failures = []
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(lowbit_tools.ROOT, "build"))
    parser.add_argument("--force", action="store_true", help="regenerate the .tflite models")
    args = parser.parse_args()
    model_dir = os.path.join(args.build_dir, "micro_pool_softmax_add")
    paths = generate(model_dir, args.force)
    failures = []
    runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, tflite in paths.items():
            lbm = lowbit_tools.convert_or_exit(tflite, os.path.join(tmp, f"{name}.lbm"),
                                               args.build_dir)
            model_failures, kernels = compare_model(name, lbm, args.build_dir, tmp)
            runs += len(MICRO_TOOLS) * len(PROFILES) * len(SEEDS)
            status = "FAIL" if model_failures else "ok"
            print(f"{status:4} {name}: kernels {', '.join(sorted(kernels))}")
            failures += model_failures
        failures += check_refusals(args.build_dir, tmp)
    for f in failures:
        print("FAIL", f)
    print(f"{len(paths)} models, {runs} micro runs compared with lowbit-run: "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
