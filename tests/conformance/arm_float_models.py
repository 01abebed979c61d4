"""Binary networks with a float stem and head on the static ARM tools (issue 19): the LCE
float-stem models of the conformance suite (QuickNet- and Bi-Real-style, fixtures/models) and a
Larq Zoo QuickNet-Small with random weights (quicknet_small.py), for scripts/test-arm.sh.

  arm_float_models.py prepare OUT_DIR --build-dir DIR [--size 96] [--seed 19]
      writes OUT_DIR/<model>.lbm (converted by DIR's lowbit-convert), <model>.input.bin (one
      random input in [-1, 1]) and <model>.lce.bin (LCE's interpreter on it); prints the models
  arm_float_models.py check OUT_DIR MODEL X86.bin CANDIDATE.bin...
      compares each candidate output with the x86 build's (X86.bin) and with LCE's; prints the
      max abs and max relative error of each and fails outside the tolerance below

Standard library and NumPy only for `check`, which runs after the emulated runs.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
FIXTURES = os.path.join(HERE, "fixtures", "models")
STYLE_MODELS = ["lce_quicknet_style_float", "lce_bireal_style_float"]
QUICKNET_SMALL = "quicknet_small"
# |candidate - expected| <= ABS_TOLERANCE x max|expected| + REL_TOLERANCE x |expected|, the
# float_own_cases.py rule: the ARM and x86 float kernels (and LCE's) sum in different orders
# (NEON and AVX2 FMA blocks), so outputs differ by rounding. Measured: at most 4e-6 x
# max|output| and 7e-6 relative (cortex-a53/a76/a7/a15 vs x86 and LCE); a binary convolution
# takes the sign of its float input, so a rounding difference at a value near zero could flip
# a bit that later layers carry: the bar leaves room (about 20x) for that but stays far below what a
# wrong kernel gives.
ABS_TOLERANCE = 1e-4
REL_TOLERANCE = 1e-4


def prepare(out_dir, build_dir, size, seed):
    import lowbit_tools
    os.makedirs(out_dir, exist_ok=True)
    tflites = {name: os.path.join(FIXTURES, name + ".tflite") for name in STYLE_MODELS}
    tflites[QUICKNET_SMALL] = os.path.join(out_dir, QUICKNET_SMALL + ".tflite")
    if not os.path.exists(tflites[QUICKNET_SMALL]):
        import quicknet_small
        with open(tflites[QUICKNET_SMALL], "wb") as f:
            f.write(quicknet_small.build(size, seed))
    import harness
    rng = np.random.default_rng(seed)
    for name, tflite in tflites.items():
        if not os.path.exists(tflite):
            raise SystemExit(f"arm_float_models: {tflite} is missing")
        lowbit_tools.convert_or_exit(tflite, os.path.join(out_dir, name + ".lbm"), build_dir)
        oracle = harness.LCEOracle(tflite)
        (dtype, shape, _), = oracle.input_specs()
        if dtype != np.float32:
            raise SystemExit(f"arm_float_models: {name} has a {dtype} input, expected float32")
        x = harness.random_input(rng, dtype, shape)
        x.tofile(os.path.join(out_dir, name + ".input.bin"))
        output, = oracle.run([x])
        output.astype(np.float32).tofile(os.path.join(out_dir, name + ".lce.bin"))
        print(name)


def compare(actual, expected):
    expected = expected.astype(np.float64)
    diff = np.abs(actual.astype(np.float64) - expected)
    scale = float(np.max(np.abs(expected)))
    nonzero = expected != 0
    max_rel = float(np.max(diff[nonzero] / np.abs(expected[nonzero]))) if nonzero.any() else 0.0
    ok = bool(np.all(diff <= ABS_TOLERANCE * scale + REL_TOLERANCE * np.abs(expected)))
    return ok, float(np.max(diff)), max_rel


def check(out_dir, model, x86_path, candidates):
    lce = np.fromfile(os.path.join(out_dir, model + ".lce.bin"), dtype=np.float32)
    x86 = np.fromfile(x86_path, dtype=np.float32)
    references = [("x86", x86), ("LCE", lce)]
    failed = 0
    for path in [x86_path] + candidates:
        actual = np.fromfile(path, dtype=np.float32)
        parts = []
        for label, expected in references:
            if path == x86_path and label == "x86":
                continue
            if actual.shape != expected.shape or not np.all(np.isfinite(actual)):
                parts.append(f"vs {label}: {actual.size} values, expected {expected.size} finite")
                failed += 1
                continue
            ok, max_abs, max_rel = compare(actual, expected)
            failed += 0 if ok else 1
            parts.append(f"vs {label} max abs {max_abs:.3g}, max rel {max_rel:.3g}"
                         f"{'' if ok else ' OUTSIDE THE TOLERANCE'}")
        print(f"  {model} {os.path.basename(path)}: {'; '.join(parts)}")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("out_dir")
    p.add_argument("--build-dir", required=True)
    p.add_argument("--size", type=int, default=96, help="QuickNet-Small's input size")
    p.add_argument("--seed", type=int, default=19)
    c = sub.add_parser("check")
    c.add_argument("out_dir")
    c.add_argument("model")
    c.add_argument("x86")
    c.add_argument("candidates", nargs="*")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.out_dir, args.build_dir, args.size, args.seed)
        return 0
    failed = check(args.out_dir, args.model, args.x86, args.candidates)
    if failed:
        print(f"arm_float_models: {failed} comparisons outside |diff| <= {ABS_TOLERANCE:g} x "
              f"max|expected| + {REL_TOLERANCE:g} x |expected|", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
