"""lowbit's reference kernels against the SIMD kernels this CPU selects: `lowbit-run
--kernel reference` and `--kernel auto` at 1, 2 and 3 threads must write identical output bytes
on the int8 models of ../shared/models (and any --extra .tflite), in every requantization
profile, for two random input seeds. Exit status 1 on any difference or missing model.

  python3 tests/conformance/simd_vs_reference.py [--build-dir build] [--models DIR]
                                                 [--extra a.tflite,b.tflite]

scripts/conformance.sh --simd-vs-reference builds the tools first and runs this. Standard
library only. scripts/peers/binary_lce.py runs kernels_differ() on the binary models.
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lowbit_tools import (ROOT, SHARED_INT8_MODELS, SHARED_MODELS, convert_or_exit,  # noqa: E402
                          machine, run_tool, tool)

PROFILES = ("tflite_reference", "single_rounding", "xnnpack_fp32", "tflite_optimized")


def output_count(build_dir, lbm):
    printed = run_tool([tool("lowbit-run", build_dir), lbm, "--max-values", "0"])
    return len(re.findall(r"^output \d+ ", printed, re.M))


def output_bytes(build_dir, lbm, count, kernel, profile, seed, threads, scratch):
    """The `count` graph outputs of one lowbit-run, as a list of byte strings."""
    paths = [os.path.join(scratch, f"{kernel}-{index}.bin") for index in range(count)]
    run_tool([tool("lowbit-run", build_dir), lbm, "--kernel", kernel, "--threads", str(threads),
              "--profile", profile, "--random-inputs", str(seed), "--max-values", "0"]
             + [arg for index, path in enumerate(paths) for arg in ("--output", f"{index}={path}")])
    result = []
    for path in paths:
        with open(path, "rb") as f:
            result.append(f.read())
    return result


def kernels_differ(build_dir, lbm, profiles=PROFILES, seeds=(1, 2), threads=(1, 2, 3)):
    """(profile, seed, threads) of every run whose auto outputs differ from the reference's,
    and the number of comparisons made."""
    count = output_count(build_dir, lbm)
    different, compared = [], 0
    with tempfile.TemporaryDirectory(prefix="lowbit-simd-") as scratch:
        for profile in profiles:
            for seed in seeds:
                want = output_bytes(build_dir, lbm, count, "reference", profile, seed, 1, scratch)
                for n in threads:
                    if output_bytes(build_dir, lbm, count, "auto", profile, seed, n, scratch) != want:
                        different.append((profile, seed, n))
                    compared += 1
    return different, compared


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--models", default=SHARED_MODELS, help="folder of the shared models")
    parser.add_argument("--extra", default="", help="more .tflite files, comma-separated")
    args = parser.parse_args()
    failed, total = False, 0
    with tempfile.TemporaryDirectory(prefix="lowbit-simd-") as work:
        extra = [os.path.abspath(path) for path in args.extra.split(",") if path]
        for rel in SHARED_INT8_MODELS + extra:
            tflite = os.path.join(args.models, rel)
            if not os.path.exists(tflite):
                print(f"simd-vs-reference: missing {tflite}", file=sys.stderr)
                failed = True
                continue
            lbm = convert_or_exit(tflite, os.path.join(work, "model.lbm"), args.build_dir)
            different, compared = kernels_differ(args.build_dir, lbm)
            total += compared
            for profile, seed, threads in different:
                print(f"DIFFERENT: {os.path.basename(rel)} {profile} seed {seed} threads {threads}")
            failed |= bool(different)
    verdict = "FAILED" if failed else "all identical"
    print(f"simd-vs-reference: {total} comparisons of reference and auto kernels, {verdict}; "
          f"{machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
