"""SVDF and UNIDIRECTIONAL_SEQUENCE_RNN against their oracles, fresh and streaming.

Generated single-operator models (recurrent_models.py, the state a variable tensor):
  - SVDF float32 (ranks 1 to 3, several sizes and batches, fused activations, with and without
    bias) and the fully-integer int8 SVDF with int16 state and time weights (TFLite's form), all
    against LiteRT BUILTIN_REF;
  - the int8 SVDF with int8 state and a state zero point (TFLite Micro's form: LiteRT reads that
    state as int16, past its end) against TFLite Micro's interpreter;
  - UNIDIRECTIONAL_SEQUENCE_RNN float32, time- and batch-major, against LiteRT BUILTIN_REF;
and the zoo's tflite_micro/keyword_scrambled_8bit against TFLite Micro: the whole model, and its
int8 core (the seven SVDFs and four FULLY_CONNECTEDs from the int8 tensor after the first
QUANTIZE, every SVDF output a graph output).

Each model runs on --inputs seeded inputs from a fresh state and once as a stream of --invokes
distinct seeded frames with the state carried (lowbit-run --invokes --stream, every frame's
outputs compared; the oracle without a reset), with the auto and reference kernels at 1 and 2
threads. Every run must give the same bytes as the first (the SIMD rows keep the reference's
summation order). int8 outputs must equal the oracle's byte for byte; float ones
within harness.FLOAT_RELATIVE_TOLERANCE ("exact" when bitwise equal; TFLite's RNN and SVDF apply TANH through Eigen's
approximation, lowbit through libm).

  .venv/bin/python tests/conformance/svdf_rnn_cases.py --build-dir build [--inputs 10]
      [--invokes 20] [--seed N] [--no-zoo] [--zoo-core-only]

TFLite Micro runs in its own venv (scripts/install-deps.sh --oracle makes .venv-tflm; or set
LOWBIT_TFLM_PYTHON). scripts/conformance.sh --svdf-rnn-cases builds the tools and runs this.
"""
import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import ROOT, SHARED_MODELS, machine  # noqa: E402
from recurrent_models import generated_cases, kws_core  # noqa: E402

KWS = "tflite_micro/keyword_scrambled_8bit.tflite"
RUNS = [(kernel, threads) for kernel in ("auto", "reference") for threads in (1, 2)]
TFLM_PYTHON = os.environ.get("LOWBIT_TFLM_PYTHON", os.path.join(ROOT, ".venv-tflm", "bin", "python"))

class TFLMOracle:
    """TFLite Micro's interpreter in its own venv, fed through pickle files: runs a list of
    (input arrays, invokes, stream) jobs (see litert_jobs), each from a fresh state."""

    SCRIPT = """
import pickle, sys
import numpy as np
from tflite_micro.python.tflite_micro import runtime
model, out = sys.argv[1], sys.argv[3]
with open(sys.argv[2], "rb") as f:
    jobs = pickle.load(f)
it = runtime.Interpreter.from_file(model)
def outputs():
    outs, i = [], 0
    while True:
        try:
            outs.append(it.get_output(i).copy())
        except Exception:
            return outs
        i += 1
results = []
for inputs, invokes, stream in jobs:
    it.reset()
    frames = []
    for k in range(invokes):
        for i, a in enumerate(inputs):
            it.set_input(a[k] if stream else a, i)
        it.invoke()
        if stream:
            frames.append(outputs())
    results.append([np.stack(o) for o in zip(*frames)] if stream else outputs())
with open(out, "wb") as f:
    pickle.dump(results, f)
"""

    def __init__(self, path):
        self.path = path

    @staticmethod
    def available():
        return os.path.exists(TFLM_PYTHON) and subprocess.run(
            [TFLM_PYTHON, "-c", "import tflite_micro"], capture_output=True).returncode == 0

    def run_jobs(self, jobs, scratch):
        jobs_path, out_path = os.path.join(scratch, "jobs.pkl"), os.path.join(scratch, "tflm_out.pkl")
        with open(jobs_path, "wb") as f:
            pickle.dump(jobs, f)
        done = subprocess.run([TFLM_PYTHON, "-c", self.SCRIPT, self.path, jobs_path, out_path],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"TFLite Micro failed: {done.stderr.strip()[-400:]}")
        with open(out_path, "rb") as f:
            return pickle.load(f)


def litert_jobs(path, jobs):
    """Each (inputs, invokes, stream) job from a fresh state: the last outputs of `invokes` runs on
    the same inputs, or (stream) every frame's outputs, stacked, the inputs holding one frame per
    invoke."""
    oracle = harness.LiteRTOracle(path, reference=True)
    results = []
    for inputs, invokes, stream in jobs:
        oracle.reset_state()
        frames = [oracle.run([a[k] for a in inputs] if stream else inputs) for k in range(invokes)]
        results.append([np.stack(o) for o in zip(*frames)] if stream else frames[-1])
    return results


def check(name, path, args, rng, scratch, oracle="litert"):
    """Converts and runs one model against its oracle; returns True when every run agrees."""
    lbm = os.path.join(scratch, os.path.basename(path).replace(".tflite", ".lbm"))
    error = harness.convert(path, lbm, args.build_dir)
    if error is not None:
        print(f"{name:58s} FAILED to convert: {error[-300:]}")
        return False
    in_specs, out_specs = specs_of(path)
    # Fresh inputs, then a stream of distinct frames with the state carried.
    jobs = [([input_for(rng, dtype, shape) for dtype, shape in in_specs], 1, False)
            for _ in range(args.inputs)]
    jobs.append(([np.stack([input_for(rng, dtype, shape) for _ in range(args.invokes)])
                  for dtype, shape in in_specs], args.invokes, True))
    start = time.time()
    expected_all = TFLMOracle(path).run_jobs(jobs, scratch) if oracle == "tflm" else litert_jobs(path, jobs)
    failures, comparison = 0, harness.Comparison(exact=False)
    for index, ((inputs, invokes, stream), expected) in enumerate(zip(jobs, expected_all)):
        runs = {}
        for kernel, threads in RUNS:
            try:
                got = harness.run_lowbit(lbm, inputs, out_specs, "tflite_reference", args.build_dir,
                                         kernel=kernel, threads=threads, invokes=invokes,
                                         stream=stream)
            except RuntimeError as error:
                print(f"{name:58s} FAILED: {str(error)[-300:]}")
                return False
            runs[(kernel, threads)] = got
            before = comparison.mismatches
            comparison.add([np.asarray(e).reshape(g.shape) for g, e in zip(got, expected)], got, index)
            if comparison.mismatches != before:
                failures += 1
                what = f"stream of {invokes} frames" if stream else f"input {index}"
                print(f"  {name}: {what} kernel={kernel} threads={threads}: "
                      f"{comparison.mismatches - before} values differ (first {comparison.first_mismatch})")
        # The SIMD rows keep the reference's summation order: float outputs
        # too (compared with the oracle within a tolerance) must be the same
        # bytes under every kernel set and thread count.
        first = runs[RUNS[0]]
        for run, got in runs.items():
            if any(np.asarray(g).tobytes() != np.asarray(f).tobytes() for g, f in zip(got, first)):
                failures += 1
                print(f"  {name}: input {index} kernel={run[0]} threads={run[1]}: not the same bytes "
                      f"as kernel={RUNS[0][0]} threads={RUNS[0][1]}")
    verdict = comparison.verdict() if failures == 0 else f"FAILED ({failures} differing runs)"
    print(f"{name:58s} {verdict} ({oracle}; {args.inputs} inputs + a {args.invokes}-frame "
          f"stream x {len(RUNS)} runs, {time.time() - start:.0f} s)")
    return failures == 0


def specs_of(path):
    """(dtype, shape) of the graph inputs and outputs, read with LiteRT (which loads any model)."""
    from ai_edge_litert.interpreter import Interpreter
    it = Interpreter(model_path=path)
    ins = [(d["dtype"], tuple(d["shape"])) for d in it.get_input_details()]
    outs = [(d["dtype"], tuple(d["shape"])) for d in it.get_output_details()]
    return ins, outs


def input_for(rng, dtype, shape):
    if dtype == np.int16:  # keyword_scrambled's features: scale 1/1600, mostly within +-2
        return rng.integers(-3000, 3000, size=shape).astype(np.int16)
    return harness.random_input(rng, dtype, shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A fixed default seed: float outputs are compared within a tolerance that
    # a random model with heavy cancellation could exceed.
    harness.add_stream_arguments(parser, seed=15)
    parser.add_argument("--no-zoo", action="store_true", help="generated models only")
    parser.add_argument("--zoo-core-only", action="store_true",
                        help="keyword_scrambled's int8 core only, not the whole model")
    args = parser.parse_args()
    print(f"svdf_rnn_cases: {machine()}; seed {args.seed}, {args.inputs} inputs, "
          f"{args.invokes}-invoke streams, runs {RUNS}")
    rng = np.random.default_rng(args.seed)
    tflm = TFLMOracle.available()
    if not tflm:
        print(f"svdf_rnn_cases: TFLite Micro is missing ({TFLM_PYTHON}): "
              "run scripts/install-deps.sh --oracle")
    failed, total = [], 0
    with tempfile.TemporaryDirectory(prefix="lowbit-svdf-rnn-") as scratch:
        for k, (name, make, config, oracle) in enumerate(generated_cases()):
            total += 1
            path = os.path.join(scratch, f"case{k}.tflite")
            make(path, np.random.default_rng(args.seed + k), *config)
            if oracle == "tflm" and not tflm:
                failed.append(name)
                continue
            if not check(name, path, args, rng, scratch, oracle):
                failed.append(name)
        if not args.no_zoo:
            kws = os.path.join(SHARED_MODELS, "zoo", KWS)
            core = os.path.join(scratch, "keyword_scrambled_core.tflite")
            zoo = [("keyword_scrambled_8bit int8 core (SVDF, FC)", core)]
            if not args.zoo_core_only:
                zoo.append(("keyword_scrambled_8bit", kws))
            for name, path in zoo:
                total += 1
                if not os.path.isfile(kws) or not tflm:
                    print(f"{name:58s} FAILED: {'TFLite Micro' if os.path.isfile(kws) else kws} missing")
                    failed.append(name)
                    continue
                if path == core:
                    kws_core(kws, core)
                if not check(name, path, args, rng, scratch, "tflm"):
                    failed.append(name)
    return harness.summary("svdf_rnn_cases", total, failed)


if __name__ == "__main__":
    sys.exit(main())
