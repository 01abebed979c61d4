"""Latency of lowbit (bench_model) and of a peer's Python call, measured alike: minimum and mean
wall time per inference, and CPU time per inference with all threads summed."""
import collections
import json
import os
import resource
import statistics
import tempfile
import time

from lowbit_tools import run_tool, tool

Latency = collections.namedtuple("Latency", "min_ms mean_ms cpu_ms")


def add_latency_arguments(parser, runs=30):
    parser.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    parser.add_argument("--runs", type=int, default=runs, help="measured inferences")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured inferences after the first")


def thread_counts(args):
    return [int(count) for count in args.threads.split(",")]


FEWEST_RUNS = 5


def runs_within(budget_s, inference_ms, runs, warmup):
    """(runs, warmup) cut down so the measured runs take about budget_s, never below FEWEST_RUNS;
    unchanged when budget_s is None or they fit. A model too slow for the budget gets one warm-up:
    after an inference of that length the caches hold its last layers whatever came before."""
    fitting = int(budget_s * 1e3 / max(inference_ms, 1e-3)) if budget_s else runs
    if fitting >= runs:
        return runs, warmup
    return max(FEWEST_RUNS, fitting), 1


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_model(build_dir, lbm, threads, runs, warmup, profile=None):
    """bench_model's JSON report and the CPU seconds its whole process used."""
    with tempfile.TemporaryDirectory(prefix="lowbit-peers-") as scratch:
        report = os.path.join(scratch, "report.json")
        command = [tool("bench_model", build_dir), f"--graph={lbm}", f"--num_threads={threads}",
                   f"--num_runs={runs}", f"--warmup_runs={warmup}", f"--output_json={report}"]
        if profile:
            command.append(f"--profile={profile}")
        start = _children_cpu_seconds()
        run_tool(command)
        cpu = _children_cpu_seconds() - start
        with open(report) as f:
            return json.load(f), cpu


def lowbit_latency(build_dir, lbm, threads, runs, warmup, profile=None, budget_s=None):
    """A long and a one-inference bench_model process differ in CPU time only by the extra
    inferences, so loading and preparing the model cancel out of the CPU figure. The short one
    runs first and its latency sets the runs that fit in budget_s (see runs_within)."""
    short, cpu_short = bench_model(build_dir, lbm, threads, 1, 0, profile)
    runs, warmup = runs_within(budget_s, short["inference_min_ms"], runs, warmup)
    report, cpu_long = bench_model(build_dir, lbm, threads, runs, warmup, profile)
    cpu_ms = max(0.0, cpu_long - cpu_short) * 1e3 / (runs + warmup - 1)
    return Latency(report["inference_min_ms"], report["inference_avg_ms"], cpu_ms)


def call_latency(call, runs, warmup, budget_s=None):
    """call() once plus `warmup` times unmeasured (as bench_model does), then `runs` times
    measured; CPU time is this process's, all threads. With budget_s the second call is timed
    (as one of the warm-ups) to set the runs that fit in it (see runs_within)."""
    call()
    if budget_s:
        start = time.perf_counter()
        call()
        runs, warmup = runs_within(budget_s, (time.perf_counter() - start) * 1e3, runs, warmup)
        warmup -= 1
    for _ in range(warmup):
        call()
    times = []
    cpu_start = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    cpu_ms = (time.process_time() - cpu_start) * 1e3 / runs
    return Latency(min(times), statistics.mean(times), cpu_ms)
