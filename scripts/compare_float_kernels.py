#!/usr/bin/env python3
"""lowbit's own float kernels beside XNNPACK on one model: bench_model --enable_op_profiling with
--float-kernels=own and =xnnpack, alternating for ROUNDS rounds; per operator the minimum of the
rounds' averages (a shared machine's load only ever adds time), then the sums over the float
CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED layers and over every float operator.

  scripts/compare_float_kernels.py MODEL [--threads N] [--rounds R] [--runs N] [--build DIR]
"""
import argparse
import os
import re
import subprocess

GEMM_LIKE = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")


def profile(bench, model, source, threads, runs):
    """{operator index: (type, ms)} of the float operators, and the inference average."""
    out = subprocess.run([bench, f"--graph={model}", f"--float-kernels={source}",
                          f"--num_threads={threads}", f"--num_runs={runs}",
                          "--enable_op_profiling"],
                         capture_output=True, text=True, check=True).stdout
    ops, total = {}, None
    for line in out.splitlines():
        m = re.match(r"Inference \(avg of \d+\): ([\d.]+) ms", line)
        if m:
            total = float(m.group(1))
        f = line.split()
        if len(f) >= 5 and f[0].isdigit():
            k = next((i for i, x in enumerate(f) if x.startswith("f32_")), None)
            if k is not None:
                ops[int(f[0])] = (f[1], float(f[k + 1]))
    return ops, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30, help="bench_model --num_runs per round")
    parser.add_argument("--build", default="build")
    parser.add_argument("--verbose", action="store_true", help="print each GEMM-like layer")
    args = parser.parse_args()
    bench = os.path.join(args.build, "bin", "bench_model")
    best = {"own": {}, "xnnpack": {}}
    kinds, totals = {}, {"own": [], "xnnpack": []}
    for _ in range(args.rounds):
        for source in best:
            ops, total = profile(bench, args.model, source, args.threads, args.runs)
            totals[source].append(total)
            for i, (kind, ms) in ops.items():
                kinds[i] = kind
                best[source][i] = min(best[source].get(i, float("inf")), ms)
    if args.verbose:
        for i in sorted(best["own"]):
            if kinds[i] in GEMM_LIKE:
                print(f"  {i:3d} {kinds[i]:18s} own {best['own'][i]:.4f}  "
                      f"xnnpack {best['xnnpack'][i]:.4f}")
    gemm = {s: sum(ms for i, ms in best[s].items() if kinds[i] in GEMM_LIKE) for s in best}
    every = {s: sum(best[s].values()) for s in best}
    print(f"{os.path.basename(args.model)}, {args.threads} thread(s): "
          f"conv/depthwise/FC own {gemm['own']:.3f} ms, XNNPACK {gemm['xnnpack']:.3f} ms "
          f"({gemm['own'] / gemm['xnnpack']:.2f}x); every float operator own {every['own']:.3f} "
          f"ms, XNNPACK {every['xnnpack']:.3f} ms ({every['own'] / every['xnnpack']:.2f}x); "
          f"inference (min of the averages) own {min(totals['own']):.3f} ms, "
          f"XNNPACK {min(totals['xnnpack']):.3f} ms")


if __name__ == "__main__":
    main()
