"""The shared float models (vww_96_float, kws_ref_model_float32, ad01_fp32, hello_world_float)
through lowbit-run with lowbit's own float kernels and with XNNPACK's, each against LiteRT
BUILTIN_REF on random inputs, within a stated float tolerance; prints the max abs and relative
error per model and kernel source (issue 19).

Usage: float_own_cases.py --build-dir DIR [--inputs N] [--seed N] [--models DIR]
"""
import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import ROOT, convert_or_exit  # noqa: E402

MODELS = ["mlperf_tiny/vww_96_float.tflite", "mlperf_tiny/kws_ref_model_float32.tflite",
          "mlperf_tiny/ad01_fp32.tflite", "tflite_micro/hello_world_float.tflite"]
# |lowbit - LiteRT| <= ABS_TOLERANCE * max|LiteRT output| + REL_TOLERANCE * |LiteRT|: the
# kernels sum in different orders (and XNNPACK's use FMA and approximate exp), so outputs
# differ by rounding that deep networks accumulate; the scale term keeps near-zero outputs
# of a large-valued tensor from failing on cancellation alone.
REL_TOLERANCE = 1e-4
ABS_TOLERANCE = 1e-5
# Dynamic-range (hybrid) models: TFLite quantizes their activations at run time, lowbit runs
# them in float by design (known_differences.py "hybrid-float"), so LiteRT's error is printed
# but the bar is lowbit's own kernels against lowbit's XNNPACK kernels on the same graph.
HYBRID = {"mlperf_tiny/kws_ref_model_float32.tflite"}


def models_dir(given):
    if given:
        return given
    return os.environ.get("LOWBIT_MODELS_DIR", os.path.join(ROOT, "..", "shared", "models"))


def compare(actual, expected):
    expected = expected.astype(np.float64)
    diff = np.abs(actual.astype(np.float64) - expected)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    nonzero = expected != 0
    max_rel = float(np.max(diff[nonzero] / np.abs(expected[nonzero]))) if nonzero.any() else 0.0
    ok = bool(np.all(diff <= ABS_TOLERANCE * scale + REL_TOLERANCE * np.abs(expected)))
    return ok, float(np.max(diff)) if diff.size else 0.0, max_rel


def accumulate(record, comparison):
    """record: [max abs, max relative, all within tolerance]."""
    ok, max_abs, max_rel = comparison
    record[0] = max(record[0], max_abs)
    record[1] = max(record[1], max_rel)
    record[2] = record[2] and ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--inputs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--models")
    args = parser.parse_args()
    directory = models_dir(args.models)
    missing = [m for m in MODELS if not os.path.exists(os.path.join(directory, m))]
    if missing:
        print(f"float_own_cases: {', '.join(missing)} not found under {os.path.abspath(directory)} "
              "(set LOWBIT_MODELS_DIR or --models to the shared models folder)", file=sys.stderr)
        return 1
    rng = np.random.default_rng(args.seed)
    failures = 0
    print(f"tolerance: |lowbit - LiteRT BUILTIN_REF| <= {ABS_TOLERANCE:g} x max|output| + "
          f"{REL_TOLERANCE:g} x |output|")
    # Kernel sources as (--float-kernels, --kernel): own with the best rows (the AVX2 GEMM
    # sums in another order) and with the reference rows (TFLite's order, so BUILTIN_REF's
    # bits on models without hybrid operators), and xnnpack unless this build's lowbit-run
    # has no XNNPACK (the static tools).
    sources = {"own": ("own", "auto"), "own/reference": ("own", "reference"),
               "xnnpack": ("xnnpack", "auto")}
    with tempfile.TemporaryDirectory(prefix="lowbit-float-own-") as scratch:
        for name in MODELS:
            path = os.path.join(directory, name)
            lbm = convert_or_exit(path, os.path.join(scratch, os.path.basename(name) + ".lbm"),
                                  args.build_dir)
            oracle = harness.LiteRTOracle(path, reference=True)
            worst = {source: [0.0, 0.0, True] for source in sources}
            own_vs_xnnpack = [0.0, 0.0, True]
            for _ in range(args.inputs):
                inputs = [harness.random_input(rng, dtype, shape)
                          for dtype, shape, _ in oracle.input_specs()]
                expected = oracle.run(inputs)
                outputs = {}
                for source in list(worst):
                    float_kernels, kernel_set = sources[source]
                    try:
                        outputs[source] = harness.run_lowbit(lbm, inputs, oracle.output_specs(),
                                                             "tflite_reference", args.build_dir,
                                                             kernel=kernel_set,
                                                             float_kernels=float_kernels)
                    except RuntimeError as error:
                        if source != "xnnpack" or "has no XNNPACK" not in str(error):
                            raise
                        print("this build has no XNNPACK: own float kernels only")
                        del sources[source]
                        del worst[source]
                        continue
                    for got, want in zip(outputs[source], expected):
                        accumulate(worst[source], compare(got, want))
                if "xnnpack" in outputs:
                    for got, want in zip(outputs["own"], outputs["xnnpack"]):
                        accumulate(own_vs_xnnpack, compare(got, want))
            hybrid = name in HYBRID
            for source, (max_abs, max_rel, ok) in worst.items():
                verdict = "known" if hybrid and not ok else ("ok  " if ok else "FAIL")
                print(f"{verdict} {name} float kernels {source} vs LiteRT BUILTIN_REF: "
                      f"max abs error {max_abs:.3g}, max relative error {max_rel:.3g} "
                      f"({args.inputs} inputs{'; hybrid-float by design' if hybrid else ''})")
                failures += not ok and not hybrid
            if "xnnpack" in worst:
                max_abs, max_rel, ok = own_vs_xnnpack
                print(f"{'ok  ' if ok else 'FAIL'} {name} own vs xnnpack float kernels: "
                      f"max abs error {max_abs:.3g}, max relative error {max_rel:.3g}")
                failures += not ok
    print(f"float_own_cases: {failures} model/kernel-source pairs outside the tolerance")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
