"""The TFLite Micro seanet 16x8 single-operator models against their committed golden outputs.

Every ../shared/models/zoo/tflite_micro/seanet/<op>/<op>N.tflite converts, and run on its inputs
<op>N_input<i>_<dtype>.csv (i = graph input index) lowbit-run's output equals
<op>N_golden_<dtype>.csv exactly, at 1 and 2 threads with the auto and the reference kernels.
The goldens are TensorFlow Lite Micro's (its reference kernels), so lowbit runs the
tflite_reference profile.

  python3 tests/conformance/seanet_cases.py --build-dir build [--ops add,sub,...] [--models DIR]

scripts/conformance.sh --seanet-cases builds the tools and runs this. numpy only, no oracle.
"""
import argparse
import os
import re
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import SHARED_MODELS, convert, machine  # noqa: E402

RUNS = [(kernel, threads) for kernel in ("auto", "reference") for threads in (1, 2)]
# The seanet operator folders scripts/test.sh checks; conv and transpose_conv join once the
# 16x8 convolutions land.
DEFAULT_OPS = "add,sub,leaky_relu,pad,quantize,strided_slice,conv,transpose_conv"
DTYPES = {"int8": np.int8, "int16": np.int16, "int32": np.int32, "float32": np.float32}


def read_csv(path, dtype):
    with open(path) as f:
        text = f.read().replace("\n", ",")
    return np.array([int(v) if dtype != np.float32 else float(v)
                     for v in text.split(",") if v.strip()], dtype=dtype)


def model_files(folder, stem):
    """The model's inputs (by graph input index) and its golden output, from the file names."""
    inputs, golden = {}, None
    for name in os.listdir(folder):
        match = re.fullmatch(re.escape(stem) + r"_input(\d+)_(\w+)\.csv", name)
        if match:
            inputs[int(match.group(1))] = (os.path.join(folder, name), DTYPES[match.group(2)])
        match = re.fullmatch(re.escape(stem) + r"_golden_(\w+)\.csv", name)
        if match:
            golden = (os.path.join(folder, name), DTYPES[match.group(1)])
    return [inputs[i] for i in sorted(inputs)], golden


def check_model(path, lbm, build_dir):
    """Returns a list of failure descriptions (empty when every run equals the golden)."""
    folder, stem = os.path.dirname(path), os.path.basename(path)[:-len(".tflite")]
    input_files, golden = model_files(folder, stem)
    if golden is None or not input_files:
        return [f"{stem}: no golden or no input CSV files next to the model"]
    inputs = [read_csv(p, dtype) for p, dtype in input_files]
    expected = read_csv(*golden)
    failures = []
    for kernel, threads in RUNS:
        try:
            got = harness.run_lowbit(lbm, inputs, [(expected.dtype, expected.shape)],
                                     "tflite_reference", build_dir, kernel=kernel,
                                     threads=threads)[0]
        except (RuntimeError, ValueError) as error:
            failures.append(f"kernel={kernel} threads={threads}: {error}")
            continue
        differing = int(np.count_nonzero(got != expected))
        if differing:
            first = int(np.argmax(got != expected))
            failures.append(f"kernel={kernel} threads={threads}: {differing} of {expected.size} "
                            f"values differ (first at {first}: {got[first]} vs {expected[first]})")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--ops", default=DEFAULT_OPS,
                        help=f"comma-separated seanet folders (default {DEFAULT_OPS})")
    parser.add_argument("--models", help="the seanet folder (default: LOWBIT_MODELS_DIR or "
                        "../shared/models, then zoo/tflite_micro/seanet)")
    args = parser.parse_args()
    root = args.models or os.path.join(SHARED_MODELS, "zoo", "tflite_micro", "seanet")
    if not os.path.isdir(root):
        print(f"seanet_cases: no seanet models at {root} (looked there through "
              f"{'--models' if args.models else 'LOWBIT_MODELS_DIR or ../shared/models'})")
        return 1
    print(f"seanet_cases: {machine()}; runs {RUNS}")
    checked, failed = 0, []
    with tempfile.TemporaryDirectory(prefix="lowbit-seanet-") as scratch:
        for op in [o for o in args.ops.split(",") if o]:
            folder = os.path.join(root, op)
            names = sorted(n for n in os.listdir(folder) if n.endswith(".tflite")) \
                if os.path.isdir(folder) else []
            if not names:
                print(f"  {op}: no .tflite models in {folder}")
                failed.append(op)
                continue
            for name in names:
                path = os.path.join(folder, name)
                lbm = os.path.join(scratch, name[:-len(".tflite")] + ".lbm")
                error = convert(path, lbm, args.build_dir)
                failures = [f"refused: {error}"] if error else check_model(path, lbm,
                                                                          args.build_dir)
                checked += 1
                print(f"  {op}/{name}: {'ok' if not failures else 'FAILED'}")
                for failure in failures:
                    print(f"    {failure}")
                if failures:
                    failed.append(f"{op}/{name}")
    print(f"seanet_cases: {checked} models, {len(failed)} failed"
          + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
