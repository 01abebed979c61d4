#!/usr/bin/env python3
"""lowbit beside Larq Compute Engine on the binary models, in one run: see
scripts/bench_binary_peers.sh (the entry point) and docs/benchmarks-binary.md."""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from larq_compute_engine.tflite.python.interpreter import Interpreter


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    return result.stdout


def lowbit_times(bin_dir, lbm, threads, runs):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run([os.path.join(bin_dir, "bench_model"), f"--graph={lbm}", f"--num_threads={threads}",
             f"--num_runs={runs}", "--warmup_runs=3", f"--output_json={out.name}"])
        with open(out.name) as f:
            result = json.load(f)
    return result["inference_min_ms"], result["inference_avg_ms"]


def lce_times(tflite_bytes, threads, runs):
    interpreter = Interpreter(tflite_bytes, num_threads=threads)
    rng = np.random.default_rng(1)
    inputs = [rng.uniform(-1, 1, shape).astype(np.float32) for shape in interpreter.input_shapes]
    for _ in range(3):
        interpreter.predict(inputs if len(inputs) > 1 else inputs[0])
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interpreter.predict(inputs if len(inputs) > 1 else inputs[0])
        times.append((time.perf_counter() - start) * 1e3)
    return min(times), statistics.mean(times)


def reference_equals_auto(bin_dir, lbm):
    """lowbit-run's outputs (random inputs, seed 1) under both kernel sets, byte for byte."""
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {}
        for kernel in ("reference", "auto"):
            path = os.path.join(tmp, kernel)
            run([os.path.join(bin_dir, "lowbit-run"), lbm, "--kernel", kernel, "--output",
                 f"0={path}"])
            with open(path, "rb") as f:
                outputs[kernel] = f.read()
    return outputs["reference"] == outputs["auto"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", required=True, help="folder of LCE .tflite models")
    parser.add_argument("--bin", required=True, help="lowbit's build/bin")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--threads", default="1,2")
    args = parser.parse_args()

    rows = []
    for tflite in sorted(glob.glob(os.path.join(args.models, "*.tflite"))):
        name = os.path.basename(tflite)[: -len(".tflite")]
        lbm = os.path.join(args.models, name + ".lbm")
        run([os.path.join(args.bin, "lowbit-convert"), tflite, lbm])
        identical = reference_equals_auto(args.bin, lbm)
        with open(tflite, "rb") as f:
            tflite_bytes = f.read()
        for threads in (int(t) for t in args.threads.split(",")):
            # Interleaved per model and thread count, so drift on a shared machine hits both.
            lb_min, lb_avg = lowbit_times(args.bin, lbm, threads, args.runs)
            lce_min, lce_avg = lce_times(tflite_bytes, threads, args.runs)
            rows.append((name, threads, lb_min, lb_avg, lce_min, lce_avg, identical))
            print(f"# {name} t={threads}: lowbit {lb_min:.3f} ms, LCE {lce_min:.3f} ms",
                  file=sys.stderr, flush=True)

    print("| model | threads | lowbit min ms | lowbit avg ms | LCE min ms | LCE avg ms "
          "| LCE/lowbit (min) | LCE/lowbit (avg) | reference == auto |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, threads, lb_min, lb_avg, lce_min, lce_avg, identical in rows:
        print(f"| {name} | {threads} | {lb_min:.3f} | {lb_avg:.3f} | {lce_min:.3f} | {lce_avg:.3f} "
              f"| {lce_min / lb_min:.1f}x | {lce_avg / lb_avg:.1f}x | {'yes' if identical else 'NO'} |")
    return 0 if all(row[-1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
