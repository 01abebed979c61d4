#!/usr/bin/env python3
"""End-to-end int8 latency: lowbit's bench_model beside LiteRT's interpreter.

Converts every int8 .tflite under the shared models folder with
lowbit-convert, then for each model and thread count alternates the two
runtimes (lowbit first, then LiteRT with its default XNNPACK delegate) so
both see the same machine load, and prints one table. Latency is the minimum
over the measured runs of each side: on a shared machine the minimum is the
least disturbed estimate of what the code costs.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

INT8_MODELS = [
    "mlperf_tiny/vww_96_int8.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "mlperf_tiny/ad01_int8.tflite",
    "tflite_micro/person_detect.tflite",
    "coral/mobilenet_v1_0.25_128_quant.tflite",
    "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",
]


def lowbit_latency_ms(bin_dir, lbm, threads, runs, warmup):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [os.path.join(bin_dir, "bench_model"), f"--graph={lbm}", f"--num_threads={threads}",
             f"--num_runs={runs}", f"--warmup_runs={warmup}", f"--output_json={out.name}"],
            check=True, stdout=subprocess.DEVNULL)
        return json.load(open(out.name))["inference_min_ms"]


def litert_latency_ms(tflite, threads, runs, warmup):
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_path=tflite, num_threads=threads)
    interpreter.allocate_tensors()
    rng = np.random.default_rng(1)
    for detail in interpreter.get_input_details():
        dtype = detail["dtype"]
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            data = rng.integers(info.min, info.max + 1, size=detail["shape"], dtype=dtype)
        else:
            data = rng.standard_normal(detail["shape"]).astype(dtype)
        interpreter.set_tensor(detail["index"], data)
    for _ in range(warmup + 1):
        interpreter.invoke()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        interpreter.invoke()
        best = min(best, (time.perf_counter() - start) * 1e3)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", default="build", help="CMake build folder with bin/")
    parser.add_argument("--models", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                         "shared", "models"))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    bin_dir = os.path.join(args.build, "bin")
    out_dir = os.path.join(args.build, "models", "peers")
    os.makedirs(out_dir, exist_ok=True)
    models = []
    for rel in INT8_MODELS:
        tflite = os.path.join(args.models, rel)
        if not os.path.exists(tflite):
            print(f"skipped (missing): {tflite}", file=sys.stderr)
            continue
        lbm = os.path.join(out_dir, os.path.basename(rel).replace(".tflite", ".lbm"))
        subprocess.run([os.path.join(bin_dir, "lowbit-convert"), "--quiet", tflite, lbm], check=True)
        models.append((os.path.basename(rel)[:-7], lbm, tflite))
    demo = os.path.join(args.build, "models", "demo_int8.lbm")
    if os.path.exists(demo):
        models.append(("demo_int8 (no .tflite)", demo, None))

    header = f"{'model':34} {'threads':>7} {'lowbit ms':>10} {'LiteRT ms':>10} {'lowbit/LiteRT':>13}"
    print(header)
    print("-" * len(header))
    for name, lbm, tflite in models:
        for threads in [int(t) for t in args.threads.split(",")]:
            ours = lowbit_latency_ms(bin_dir, lbm, threads, args.runs, args.warmup)
            theirs = None
            if tflite:
                try:
                    theirs = litert_latency_ms(tflite, threads, args.runs, args.warmup)
                except ValueError as error:  # LiteRT rejects the file
                    print(f"LiteRT cannot load {name}: {str(error)[:120]}", file=sys.stderr)
            if theirs:
                print(f"{name:34} {threads:7d} {ours:10.3f} {theirs:10.3f} {ours / theirs:13.2f}")
            else:
                print(f"{name:34} {threads:7d} {ours:10.3f} {'-':>10} {'-':>13}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
