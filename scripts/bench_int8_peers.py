#!/usr/bin/env python3
"""End-to-end int8 latency: lowbit's bench_model beside LiteRT's interpreter.

Converts every int8 .tflite under the shared models folder with
lowbit-convert, then for each model and thread count alternates the two
runtimes (lowbit first, then LiteRT with its default XNNPACK delegate) so
both see the same machine load, and prints one table. Latency is the minimum
over the measured runs of each side: on a shared machine the minimum is the
least disturbed estimate of what the code costs. A second pair of columns
gives CPU time per inference (all threads summed): it is what the work costs
whatever else runs on the machine, and at 1 thread the fairest comparison.
"""
import argparse
import json
import os
import resource
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


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# LiteRT's default path (XNNPACK) requantizes in fp32; main() may override.
PROFILE_CHOICE = ["xnnpack_fp32"]


def run_bench_model(bin_dir, lbm, threads, runs, warmup):
    """Minimum latency (ms) and the CPU seconds the whole process used."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        start = children_cpu_seconds()
        subprocess.run(
            [os.path.join(bin_dir, "bench_model"), f"--graph={lbm}", f"--num_threads={threads}",
             f"--num_runs={runs}", f"--warmup_runs={warmup}", f"--output_json={out.name}",
             f"--profile={PROFILE_CHOICE[0]}"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu = children_cpu_seconds() - start
        return json.load(open(out.name))["inference_min_ms"], cpu


def lowbit_latency_ms(bin_dir, lbm, threads, runs, warmup):
    """(min latency ms, CPU ms per inference): the CPU time of a long and a
    short run differ only by the extra inferences, so load and prepare cancel."""
    best, cpu_long = run_bench_model(bin_dir, lbm, threads, runs, warmup)
    _, cpu_short = run_bench_model(bin_dir, lbm, threads, 1, 0)
    return best, max(0.0, cpu_long - cpu_short) * 1e3 / (runs + warmup - 1)


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
    cpu_start = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        interpreter.invoke()
        best = min(best, (time.perf_counter() - start) * 1e3)
    return best, (time.process_time() - cpu_start) * 1e3 / runs


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", default="build", help="CMake build folder with bin/")
    parser.add_argument("--models", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                         "shared", "models"))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", default=PROFILE_CHOICE[0],
                        help="lowbit requantization profile (tflite_reference is bit-exact "
                             "with TFLite's reference kernels, xnnpack_fp32 with XNNPACK)")
    args = parser.parse_args()
    PROFILE_CHOICE[0] = args.profile

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

    header = (f"{'model':34} {'threads':>7} {'lowbit ms':>10} {'LiteRT ms':>10} {'ratio':>7}"
              f" {'lowbit CPU ms':>13} {'LiteRT CPU ms':>13} {'CPU ratio':>9}")
    print(header)
    print("-" * len(header))
    for name, lbm, tflite in models:
        for threads in [int(t) for t in args.threads.split(",")]:
            ours, ours_cpu = lowbit_latency_ms(bin_dir, lbm, threads, args.runs, args.warmup)
            theirs = None
            if tflite:
                try:
                    theirs = litert_latency_ms(tflite, threads, args.runs, args.warmup)
                except ValueError as error:  # LiteRT rejects the file
                    print(f"LiteRT cannot load {name}: {str(error)[:120]}", file=sys.stderr)
            if theirs:
                theirs, theirs_cpu = theirs
                print(f"{name:34} {threads:7d} {ours:10.3f} {theirs:10.3f} {ours / theirs:7.2f}"
                      f" {ours_cpu:13.3f} {theirs_cpu:13.3f} {ours_cpu / max(theirs_cpu, 1e-9):9.2f}")
            else:
                print(f"{name:34} {threads:7d} {ours:10.3f} {'-':>10} {'-':>7} {ours_cpu:13.3f}"
                      f" {'-':>13} {'-':>9}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
