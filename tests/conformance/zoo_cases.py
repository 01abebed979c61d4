"""The real-world models of ../shared/models/zoo/coral against LiteRT's reference kernels.

Every model converts, and on seeded random inputs lowbit-run's output bytes equal LiteRT
BUILTIN_REF's at 1 and 2 threads with the auto and the reference kernels. A model lowbit still
refuses must be listed in EXPECTED_REFUSALS with the issue that adds what it lacks; the run fails
when such a model converts after all, so the list cannot go stale, and when any other model
differs or is refused.

  .venv/bin/python tests/conformance/zoo_cases.py --build-dir build [--inputs 10] [--seed N]
      [--models DIR]

scripts/conformance.sh --zoo-cases builds the tools and runs this.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import ROOT, machine, tool  # noqa: E402

EXPECTED_REFUSALS = {}
RUNS = [(kernel, threads) for kernel in ("auto", "reference") for threads in (1, 2)]


def models_dir(given):
    if given:
        return given
    shared = os.environ.get("LOWBIT_MODELS_DIR", os.path.join(ROOT, "..", "shared", "models"))
    return os.path.join(shared, "zoo", "coral")


def check_model(path, lbm, args, rng):
    """Returns the number of failed comparisons (runs x inputs) for one convertible model."""
    oracle = harness.LiteRTOracle(path, reference=True)
    failures = 0
    for index in range(args.inputs):
        inputs = [harness.random_input(rng, dtype, shape) for dtype, shape, _ in oracle.input_specs()]
        # lowbit-run starts from fresh recurrent state (LSTM): so does the oracle.
        oracle.reset_state()
        expected = oracle.run(inputs)
        # Read back after invoke: custom operators (SSD post-processing) size outputs then.
        specs = [(array.dtype, array.shape) for array in expected]
        for kernel, threads in RUNS:
            got = harness.run_lowbit(lbm, inputs, specs, "tflite_reference", args.build_dir,
                                     kernel=kernel, threads=threads)
            differing = [int(np.count_nonzero(g.view(np.uint8) != e.view(np.uint8)))
                         for g, e in zip(got, expected)]
            if any(differing):
                failures += 1
                print(f"  input {index} kernel={kernel} threads={threads}: differing bytes per "
                      f"output {differing}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--inputs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 1000000)
    parser.add_argument("--models")
    args = parser.parse_args()
    directory = models_dir(args.models)
    if not os.path.isdir(directory):
        print(f"zoo_cases: no models at {directory} (set LOWBIT_MODELS_DIR or --models)")
        return 1
    names = sorted(n for n in os.listdir(directory) if n.endswith(".tflite"))
    if not names:
        print(f"zoo_cases: no .tflite files in {directory}")
        return 1
    print(f"zoo_cases: {machine()}; seed {args.seed}, {args.inputs} inputs, runs {RUNS}")
    rng = np.random.default_rng(args.seed)
    failed = []
    with tempfile.TemporaryDirectory(prefix="lowbit-zoo-") as scratch:
        for name in names:
            lbm = os.path.join(scratch, name.replace(".tflite", ".lbm"))
            done = subprocess.run([tool("lowbit-convert", args.build_dir),
                                   os.path.join(directory, name), lbm],
                                  capture_output=True, text=True)
            refusal = EXPECTED_REFUSALS.get(name)
            if done.returncode != 0:
                reason = (done.stderr or done.stdout).strip().splitlines()[-1:]
                if refusal:
                    print(f"{name:48s} refused as expected: {refusal}")
                else:
                    print(f"{name:48s} FAILED to convert: {reason}")
                    failed.append(name)
                continue
            if refusal:
                print(f"{name:48s} FAILED: converts now; remove it from EXPECTED_REFUSALS")
                failed.append(name)
                continue
            start = time.time()
            failures = check_model(os.path.join(directory, name), lbm, args, rng)
            verdict = "identical" if failures == 0 else f"FAILED ({failures} differing runs)"
            print(f"{name:48s} {verdict}: {args.inputs} inputs x {len(RUNS)} runs "
                  f"({time.time() - start:.0f} s)")
            if failures:
                failed.append(name)
    print(f"zoo_cases: {len(names)} models, {len(failed)} failed" +
          (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
