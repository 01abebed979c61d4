#!/usr/bin/env python3
"""Two threads against one: bench_model at --num_threads=1 and 2 on every model of the shared
models folder and its zoo, in many short interleaved rounds (each round runs every model at 1 and
2 threads with every build given, in an order that alternates between rounds), so that all rows
of a model see about the same machine load. Prints per model and build the median over rounds of
each short run's mean latency at 1 and 2 threads and the median over rounds of the ratio t2/t1
of a round's two adjacent runs, with its range (> 1: two threads are slower), with the CPU
model and the load average seen at each round. --hog N keeps N busy processes running meanwhile
(another program loading N cores).

  scripts/bench_threads.py [--bench build/bin/bench_model[,other/bench_model]] [--rounds 9]
                           [--budget-ms 20] [--only kws,vww] [--stat avg|min] [--raw out.json]
                           [--hog N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = os.environ.get("LOWBIT_MODELS_DIR", os.path.join(ROOT, "..", "shared", "models"))


def all_models():
    found = []
    for folder, _, files in os.walk(MODELS):
        found += [os.path.relpath(os.path.join(folder, f), MODELS)
                  for f in files if f.endswith(".tflite")]
    return sorted(found)


def bench_once(bench, model, threads, runs):
    """bench_model's JSON report, or None when it fails (a model lowbit does not run)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        cmd = [bench, "--graph=" + os.path.join(MODELS, model), "--num_threads=%d" % threads,
               "--num_runs=%d" % runs, "--warmup_runs=3", "--output_json=" + report.name]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return None
        if out.returncode != 0:
            return None
        with open(report.name) as f:
            return json.load(f)


def measure(args, benches, runs, samples, loads):
    """The interleaved rounds: samples[(model, bench index, threads)] gets one ms value each."""
    for r in range(args.rounds):
        loads.append(os.getloadavg()[0])
        print("round %d of %d" % (r + 1, args.rounds), file=sys.stderr, flush=True)
        order = [(b, t) for b in range(len(benches)) for t in (1, 2)]
        if r % 2:
            order.reverse()
        for model in runs:
            for b, threads in order:
                report = bench_once(benches[b], model, threads, runs[model])
                if report is not None:
                    ms = report["inference_%s_ms" % args.stat]
                    samples.setdefault((model, b, threads), []).append(ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", default=os.path.join(ROOT, "build", "bin", "bench_model"),
                        help="bench_model binaries, comma-separated")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--budget-ms", type=float, default=20,
                        help="measured time per short run (sets --num_runs per model, 5..400)")
    parser.add_argument("--only", default="", help="comma-separated parts of model names")
    parser.add_argument("--stat", default="avg", choices=["avg", "min"],
                        help="per short run: mean (default) or least latency")
    parser.add_argument("--raw", default="", help="also write every measurement to this JSON file")
    parser.add_argument("--hog", type=int, default=0,
                        help="busy-loop processes to run during the rounds (a loaded machine)")
    args = parser.parse_args()
    benches = args.bench.split(",")
    models = all_models()
    if args.only:
        models = [m for m in models if any(p in m for p in args.only.split(","))]
    if not models:
        sys.exit("bench_threads.py: no .tflite model under %s" % MODELS)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), "unknown CPU")
    # One calibration run per model: how many runs fill the budget, and which models run at all.
    runs = {}
    for model in models:
        probe = bench_once(benches[0], model, 1, 5)
        if probe is not None:
            ms = max(probe["inference_avg_ms"], 1e-4)
            runs[model] = int(min(400, max(5, args.budget_ms / ms)))
    samples = {}  # (model, bench index, threads) -> [ms per round]
    loads = []
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.hog)]
    try:
        measure(args, benches, runs, samples, loads)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    if args.raw:
        with open(args.raw, "w") as f:
            json.dump({"cpu": cpu, "loads": loads, "benches": benches, "stat": args.stat,
                       "samples": {"%s|%d|%d" % k: v for k, v in samples.items()}}, f, indent=1)
    print("CPU: %s; %d interleaved rounds, ~%g ms per short run, median of per-run %s; "
          "%d busy processes alongside; load average (1 min) at each round: %s" %
          (cpu, args.rounds, args.budget_ms, args.stat, args.hog,
           " ".join("%.1f" % l for l in loads)))
    for i, bench in enumerate(benches):
        print("build %d: %s" % (i + 1, bench))
    print("| model |" + "".join(" %d: 1t µs | 2t µs | t2/t1 (range) |" % (i + 1)
                                for i in range(len(benches))))
    print("|---|" + "---:|---:|---:|" * len(benches))
    for model in models:
        row = "| %s |" % os.path.splitext(model)[0]
        for b in range(len(benches)):
            one, two = samples.get((model, b, 1)), samples.get((model, b, 2))
            if not one or not two:
                row += " - | - | does not run |"
            else:
                m1, m2 = statistics.median(one), statistics.median(two)
                # The 1- and 2-thread runs of a round are adjacent: their ratio is paired.
                ratios = [b2 / b1 for b1, b2 in zip(one, two)] if len(one) == len(two) else [m2 / m1]
                row += " %.1f | %.1f | %.2f (%.2f-%.2f) |" % (
                    m1 * 1e3, m2 * 1e3, statistics.median(ratios), min(ratios), max(ratios))
        print(row)


if __name__ == "__main__":
    main()
