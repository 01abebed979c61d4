"""Evidence for the LCE int8 network differences in docs/conformance.md: runs the generated plain
int8 models (no LCE operators) through LCE's interpreter and counts mismatching outputs under each
lowbit profile. LCE's builtin int8 kernels (TFLite's optimized ones) match no profile exactly.

  .venv/bin/python tests/conformance/probe_lce_builtin_int8.py [--build-dir DIR] [--inputs N]
"""
import argparse
import glob
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PROFILES = ["tflite_reference", "single_rounding", "xnnpack_fp32"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--inputs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    work = os.path.join(args.build_dir, "conformance")
    for path in sorted(glob.glob(os.path.join(work, "models", "int8_*.tflite"))):
        name = os.path.basename(path)[:-len(".tflite")]
        lbm = os.path.join(work, "lbm", name + ".lbm")
        if harness.convert(path, lbm, args.build_dir):
            print(f"{name}: convert failed")
            continue
        oracle = harness.LCEOracle(path)
        counts = []
        for profile in PROFILES:
            comparison = harness.Comparison(exact=True)
            rng = np.random.default_rng(args.seed)
            for index in range(args.inputs):
                inputs = [harness.random_input(rng, d, s) for d, s, _ in oracle.input_specs()]
                got = harness.run_lowbit(lbm, inputs, oracle.output_specs(), profile, args.build_dir)
                comparison.add(oracle.run(inputs), got, index)
            counts.append(f"{profile} {comparison.mismatches}/{comparison.elements}")
        print(f"{name:32s} " + "  ".join(counts), flush=True)


if __name__ == "__main__":
    main()
