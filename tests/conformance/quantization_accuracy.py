"""Fashion-MNIST top-1 accuracy of lowbit-quantize's models against float and against TensorFlow's
post-training quantization (issue 18, docs/quantization.md "Accuracy on Fashion-MNIST").

For each network of quantization_models.py (a CNN and a depthwise-separable net, trained and
cached): the float .tflite under LiteRT and under lowbit; TensorFlow's full-integer int8 model
(representative_dataset = the calibration images) under LiteRT and under lowbit; and
build/bin/lowbit-quantize's models from the same calibration images with every calibrator, with
and without --bias-correction, int8 weights and --weights int4 (W4A8), int4 also with
--auto-keep-float. Prints a Markdown table, writes JSON.

  .venv/bin/python tests/conformance/quantization_accuracy.py [--build-dir DIR] [--ci] [--check]
      [--networks cnn,dsconv] [--calibrators minmax,ema,...] [--test-images N]
      [--calibration-images N] [--json FILE] [--markdown FILE] [--retrain]

--check exits with status 1 unless, on every network, the best lowbit int8 accuracy is at least
TensorFlow's int8 accuracy - 0.3 points and the best int4-weight accuracy at least float - 1.5
points, and every lowbit-quantize run succeeded. --ci: networks trained for fewer epochs
(quantization_models.CI_EPOCHS, cached apart in WORK_DIR quantization-ci), 2,000 test images
and a few configurations (scripts/conformance.sh --quantization-accuracy --ci).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_mnist  # noqa: E402
import quantization_models as networks  # noqa: E402
from lowbit_tools import ROOT, convert_or_exit, machine, tool  # noqa: E402

INT8_MARGIN = 0.3  # points below TensorFlow's int8 accuracy the best lowbit int8 model may be
INT4_MARGIN = 1.5  # points below float the best int4-weight model may be
CALIBRATION_SEED = 0
# "percentile:99.9" is the percentile calibrator with --percentile 99.9 (default 99.99).
ALL_CALIBRATORS = ["minmax", "ema", "percentile", "percentile:99.9", "entropy", "mse"]
# --min-sqnr for the W4A8 rows with --auto-keep-float. lowbit-quantize's default (30 dB) keeps
# every layer of the depthwise-separable net int8 (its all-int8 output SQNR is about 34 dB);
# 20 dB gives its two most sensitive layers (the first 3x3 and 1x1 convolutions) int8 back.
AUTO_MIN_SQNR = 20


class Config:
    """One lowbit-quantize run: its command-line options and the row it fills."""

    def __init__(self, calibrator, weights="int8", bias_correction=False, min_sqnr=None):
        """min_sqnr: --auto-keep-float with this --min-sqnr budget (dB)."""
        self.calibrator, self.weights = calibrator, weights
        self.bias_correction, self.min_sqnr = bias_correction, min_sqnr

    def options(self):
        name, _, percentile = self.calibrator.partition(":")
        args = ["--calibrator", name] + (["--percentile", percentile] if percentile else [])
        args += ["--weights", "int4"] if self.weights == "int4" else []
        args += ["--bias-correction"] if self.bias_correction else []
        args += ["--auto-keep-float", "--min-sqnr", str(self.min_sqnr)] if self.min_sqnr else []
        return args + ["--io", "float"]

    def label(self):
        name, _, percentile = self.calibrator.partition(":")
        text = f"lowbit {'W4A8' if self.weights == 'int4' else 'int8'}, {name}"
        text += f" {percentile}" if percentile else ""
        text += " + bias correction" if self.bias_correction else ""
        return text + (f" + auto keep-float {self.min_sqnr} dB" if self.min_sqnr else "")

    def file_stem(self):
        return "_".join([self.weights, self.calibrator.replace(":", "")]
                        + (["bc"] if self.bias_correction else [])
                        + ([f"auto{self.min_sqnr}"] if self.min_sqnr else []))


def full_configs(calibrators):
    configs = []
    for weights in ("int8", "int4"):
        for calibrator in calibrators:
            for bias_correction in (False, True):
                configs.append(Config(calibrator, weights, bias_correction))
    configs += [Config(c, "int4", True, AUTO_MIN_SQNR) for c in calibrators]
    return configs


def ci_configs():
    # Few runs (CI time); the calibrators the full table shows matter most for each bar.
    return [Config("minmax"), Config("entropy"), Config("mse"),
            Config("mse", "int4", True), Config("percentile", "int4", True),
            Config("mse", "int4", True, AUTO_MIN_SQNR)]


def write_calibration(images, folder):
    """One .npy file per sample with the model input's shape [1, 28, 28, 1]."""
    os.makedirs(folder, exist_ok=True)
    for stale in os.listdir(folder):
        os.remove(os.path.join(folder, stale))
    for index, image in enumerate(images):
        np.save(os.path.join(folder, f"sample_{index:04d}.npy"), image[None].astype(np.float32))
    return folder


def lowbit_predictions(lbm_path, images, build_dir, scratch):
    """Top-1 classes from lowbit-run, every image one invoke of a --stream run; the output holds
    10 float32 logits per image (int8 ones when the model has int8 outputs: same argmax)."""
    frames = os.path.join(scratch, "frames.bin")
    outputs = os.path.join(scratch, "logits.bin")
    np.ascontiguousarray(images).tofile(frames)
    command = [tool("lowbit-run", build_dir), lbm_path, "--stream", "--invokes", str(len(images)),
               "--input", f"0={frames}", "--output", f"0={outputs}", "--max-values", "0",
               "--threads", "1"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"lowbit-run {os.path.basename(lbm_path)}: {(done.stderr or done.stdout).strip()}")
    size = os.path.getsize(outputs)
    if size == len(images) * 10 * 4:
        logits = np.fromfile(outputs, dtype=np.float32)
    elif size == len(images) * 10:
        logits = np.fromfile(outputs, dtype=np.int8)
    else:
        raise RuntimeError(f"lowbit-run {lbm_path}: {size} output bytes for {len(images)} images")
    return logits.reshape(len(images), 10).argmax(-1)


def quantize(quantizer, float_tflite, lbm_path, calibration_dir, config):
    """Returns (seconds, None) or (seconds, lowbit-quantize's error text)."""
    command = [quantizer, float_tflite, lbm_path, "--calibration", calibration_dir,
               "--report", lbm_path + ".report.json"] + config.options()
    started = time.time()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.time() - started
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        return seconds, f"{' '.join(command[1:])}: {message}"
    return seconds, None


def int4_layers(report_path):
    """(CONV_2D and FULLY_CONNECTED layers with int4 weights, all of them) from lowbit-quantize's
    JSON report, or None when it cannot be read: --auto-keep-float may give layers int8 back."""
    try:
        with open(report_path) as f:
            tensors = json.load(f)["tensors"]
        layers = [t for t in tensors if t["op_type"] in ("CONV_2D", "FULLY_CONNECTED")]
        return sum("int4" in t["precision"] for t in layers), len(layers)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def evaluate_network(name, args, data, calibration, calibration_dir, quantizer, scratch):
    _, _, test_x, test_y = data
    images, labels = test_x[:args.test_images], test_y[:args.test_images]
    work = args.work_dir
    record = networks.train(name, work, data, retrain=args.retrain,
                            epochs=networks.CI_EPOCHS[name] if args.ci else None)
    print(f"{name}: Keras test accuracy {record['keras_accuracy']:.4f} after {record['epochs']} epochs",
          flush=True)
    float_tflite = networks.export_float(name, work)
    tf_int8 = networks.export_tf_int8(name, work, calibration, f"{len(calibration)}s{CALIBRATION_SEED}")
    rows = []

    def add(label, kind, predictions=None, error=None, **extra):
        row = {"label": label, "kind": kind, **extra}
        if error is None:
            row["accuracy"] = 100.0 * float((predictions == labels).mean())
        else:
            row["error"] = error
        rows.append(row)
        shown = f"{row['accuracy']:.2f}%" if error is None else f"FAILED: {error}"
        print(f"  {name:8s} {label:58s} {shown}", flush=True)

    add("float (LiteRT)", "float", networks.litert_predictions(float_tflite, images))
    float_lbm = convert_or_exit(float_tflite, os.path.join(work, f"{name}_float.lbm"), args.build_dir)
    add("float (lowbit)", "float-lowbit", lowbit_predictions(float_lbm, images, args.build_dir, scratch))
    add("TensorFlow PTQ int8 (LiteRT)", "tf-int8", networks.litert_predictions(tf_int8, images))
    tf_lbm = convert_or_exit(tf_int8, os.path.join(work, f"{name}_tf_int8.lbm"), args.build_dir)
    tf_input = networks.quantize_images(images, *networks.input_quantization(tf_int8))
    add("TensorFlow PTQ int8 (lowbit)", "tf-int8-lowbit",
        lowbit_predictions(tf_lbm, tf_input, args.build_dir, scratch))
    for config in args.configs:
        lbm = os.path.join(work, "lbm", f"{name}_{config.file_stem()}.lbm")
        os.makedirs(os.path.dirname(lbm), exist_ok=True)
        seconds, error = quantize(quantizer, float_tflite, lbm, calibration_dir, config)
        kind = "lowbit-" + config.weights
        extra = {"options": config.options(), "quantize_seconds": round(seconds, 2),
                 "report": lbm + ".report.json"}
        if error:
            add(config.label(), kind, error=error, **extra)
            continue
        if config.weights == "int4":
            extra["int4_layers"] = int4_layers(lbm + ".report.json")
        try:
            add(config.label(), kind, lowbit_predictions(lbm, images, args.build_dir, scratch), **extra)
        except RuntimeError as failure:
            add(config.label(), kind, error=str(failure), **extra)
    return {"training": record, "rows": rows}


def mostly_int4(row):
    """Whether a W4A8 row counts for the int4 bar: more than half of its CONV_2D and
    FULLY_CONNECTED layers kept int4 weights (as its report says)."""
    share = row.get("int4_layers")
    return share is not None and 2 * share[0] > share[1]


def verdicts(results):
    """(passed, lines): the --check bars, network by network."""
    passed, lines = True, []
    for name, result in results.items():
        accuracy = {}
        for row in result["rows"]:
            if "accuracy" in row and (row["kind"] != "lowbit-int4" or mostly_int4(row)):
                accuracy.setdefault(row["kind"], []).append(row["accuracy"])
        failures = [row["label"] for row in result["rows"] if "error" in row]
        float_accuracy = accuracy["float"][0]
        tf_accuracy = accuracy["tf-int8"][0]
        best_int8 = max(accuracy.get("lowbit-int8", [float("-inf")]))
        best_int4 = max(accuracy.get("lowbit-int4", [float("-inf")]))
        int8_ok = best_int8 >= tf_accuracy - INT8_MARGIN
        int4_ok = best_int4 >= float_accuracy - INT4_MARGIN
        shown = lambda accuracy: f"{accuracy:.2f}%" if accuracy > float("-inf") else "none ran"  # noqa: E731
        lines.append(f"{name}: best lowbit int8 {shown(best_int8)} vs TensorFlow int8 {tf_accuracy:.2f}% "
                     f"- {INT8_MARGIN}: {'ok' if int8_ok else 'FAILED'}; best W4A8 {shown(best_int4)} vs "
                     f"float {float_accuracy:.2f}% - {INT4_MARGIN}: {'ok' if int4_ok else 'FAILED'}"
                     + (f"; {len(failures)} lowbit-quantize or lowbit-run runs FAILED" if failures else ""))
        passed = passed and int8_ok and int4_ok and not failures
    return passed, lines


def markdown(results, args):
    names = list(results)
    lines = [f"Top-1 accuracy (%) on the first {args.test_images} Fashion-MNIST test images; "
             f"{args.calibration_images} calibration images (training set, seed {CALIBRATION_SEED}). "
             "W4A8: CONV_2D and FULLY_CONNECTED weights int4; (k/n int4) where --auto-keep-float gave "
             "some of them int8 weights back (the int4 bar counts a model only when k > n/2).", "",
             "| model | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    labels = [row["label"] for row in results[names[0]]["rows"]]
    for index, label in enumerate(labels):
        cells = []
        for name in names:
            row = results[name]["rows"][index]
            cell = f"{row['accuracy']:.2f}" if "accuracy" in row else "failed"
            share = row.get("int4_layers")
            if "accuracy" in row and row["kind"] == "lowbit-int4":
                if share is None:
                    cell += " (no report)"
                elif share[0] < share[1]:
                    cell += f" ({share[0]}/{share[1]} int4)"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--work-dir", default=None, help="default BUILD_DIR/conformance/quantization (--ci: quantization-ci)")
    parser.add_argument("--ci", action="store_true", help="2,000 test images, a few configurations")
    parser.add_argument("--check", action="store_true", help="exit 1 unless the accuracy bars hold")
    parser.add_argument("--networks", default=",".join(networks.NETWORKS))
    parser.add_argument("--calibrators", default=None,
                        help=f"comma-separated (default all: {','.join(ALL_CALIBRATORS)}; not with --ci)")
    parser.add_argument("--test-images", type=int, default=None, help="default 10000 (--ci 2000)")
    parser.add_argument("--calibration-images", type=int, default=500)
    parser.add_argument("--json", default=None, help="default WORK_DIR/quantization_accuracy.json")
    parser.add_argument("--markdown", default=None, help="also write the table here")
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--no-quantizer", action="store_true",
                        help="only the float and TensorFlow rows (not with --check)")
    args = parser.parse_args()
    if args.no_quantizer and args.check:
        parser.error("--check needs the lowbit-quantize rows; drop --no-quantizer")
    args.build_dir = os.path.abspath(args.build_dir)
    args.work_dir = args.work_dir or os.path.join(args.build_dir, "conformance",
                                                  "quantization-ci" if args.ci else "quantization")
    args.test_images = args.test_images or (2000 if args.ci else 10000)
    if args.ci and args.calibrators:
        parser.error("--ci has its own configurations; give --calibrators without --ci")
    calibrators = args.calibrators.split(",") if args.calibrators else ALL_CALIBRATORS
    for calibrator in calibrators:
        if calibrator.partition(":")[0] not in {c.partition(":")[0] for c in ALL_CALIBRATORS}:
            parser.error(f"unknown calibrator {calibrator!r}")
    args.configs = [] if args.no_quantizer else ci_configs() if args.ci else full_configs(calibrators)
    args.networks = args.networks.split(",")
    for name in args.networks:
        if name not in networks.NETWORKS:
            parser.error(f"unknown network {name!r} (known: {', '.join(networks.NETWORKS)})")
    return args


def main():
    args = parse_args()
    quantizer = os.path.join(args.build_dir, "bin", "lowbit-quantize")
    if not args.no_quantizer and not os.path.exists(quantizer):
        raise SystemExit(f"quantization_accuracy: {quantizer} is missing: build it first "
                         f"(cmake --build {args.build_dir} --target lowbit-quantize)")
    tool("lowbit-run", args.build_dir)
    print(f"quantization accuracy: {len(args.configs)} lowbit-quantize configurations per network, "
          f"{args.test_images} test images; {machine()}", flush=True)
    data = fashion_mnist.load()
    rng = np.random.default_rng(CALIBRATION_SEED)
    calibration = data[0][rng.choice(len(data[0]), args.calibration_images, replace=False)]
    calibration_dir = write_calibration(calibration, os.path.join(args.work_dir, "calibration"))
    started = time.time()
    results = {}
    with tempfile.TemporaryDirectory(prefix="lowbit-qacc-") as scratch:
        for name in args.networks:
            results[name] = evaluate_network(name, args, data, calibration, calibration_dir, quantizer, scratch)
    passed, lines = verdicts(results)
    table = markdown(results, args)
    print("\n" + table + "\n")
    print("\n".join(lines))
    print(f"quantization accuracy: {time.time() - started:.0f} s")
    report = {"machine": machine(), "test_images": args.test_images,
              "calibration_images": args.calibration_images, "calibration_seed": CALIBRATION_SEED,
              "networks": results, "verdicts": lines, "passed": passed}
    json_path = args.json or os.path.join(args.work_dir, "quantization_accuracy.json")
    with open(json_path, "w") as f:
        json.dump(report, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    print(f"wrote {json_path}")
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
