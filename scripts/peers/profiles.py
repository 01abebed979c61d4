"""lowbit against itself: each requantization profile's latency beside xnnpack_fp32's, per model,
on the shared int8 models, the zoo vision models and any --extra .tflite (issue 16: every profile
within 1.1x of xnnpack_fp32). The profiles of one model and thread count run in interleaved
rounds (round 1: every profile once, round 2: again, ...); each cell is the minimum over all
rounds' inferences, so a busy moment of a shared machine costs a round, not a profile. With
--kinds the table adds, per profile, the operator kinds whose summed per-operator minimum
(bench_model's "min ms") exceeds xnnpack_fp32's by more than --kind-threshold ms."""
import json
import os
import sys
import tempfile

from lowbit_tools import SHARED_INT8_MODELS, SHARED_MODELS, run_tool, tool
from .measure import thread_counts
from .report import Table
from .zoo_litert import VISION_MODELS

BASELINE = "xnnpack_fp32"
PROFILES = ["tflite_reference", "single_rounding", "tflite_optimized"]


def add_arguments(parser):
    parser.add_argument("--models", default=SHARED_MODELS, help="the shared models folder")
    parser.add_argument("--extra", default="", help="more .tflite/.lbm files, comma-separated")
    parser.add_argument("--only", default="", help="comma-separated parts of model names to keep")
    parser.add_argument("--threads", default="1", help="thread counts, comma-separated")
    parser.add_argument("--runs", type=int, default=100, help="inferences per round and profile")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--profiles", default=",".join(PROFILES),
                        help=f"profiles compared with {BASELINE} (default: the other three)")
    parser.add_argument("--kinds", action="store_true",
                        help="name the operator kinds that cost more than under " + BASELINE)
    parser.add_argument("--kind-threshold", type=float, default=0.002,
                        help="ms above which a kind's extra cost is listed (default 0.002)")


def models(args):
    wanted = [part for part in args.only.split(",") if part]
    paths = [os.path.join(args.models, rel) for rel in SHARED_INT8_MODELS]
    paths += [os.path.join(args.models, rel) for rel in VISION_MODELS]
    paths += [path for path in args.extra.split(",") if path]
    found = []
    for path in dict.fromkeys(paths):
        name = os.path.splitext(os.path.basename(path))[0]
        if wanted and not any(part in name for part in wanted):
            continue
        if os.path.exists(path):
            found.append((name, path))
        else:
            print(f"skipped (missing): {path}", file=sys.stderr)
    return found


def one_run(args, path, threads, profile, scratch):
    """bench_model's minimum latency and, per operator kind, the summed per-operator minimum."""
    report = os.path.join(scratch, "report.json")
    run_tool([tool("bench_model", args.build), f"--graph={path}", f"--num_threads={threads}",
              f"--num_runs={args.runs}", "--warmup_runs=5", f"--profile={profile}",
              f"--enable_op_profiling={'true' if args.kinds else 'false'}",
              f"--output_json={report}"])
    with open(report) as f:
        result = json.load(f)
    kinds = {}
    for op in result.get("operators", []):
        kinds[op["type"]] = kinds.get(op["type"], 0.0) + op["min_ms"]
    return result["inference_min_ms"], kinds


def measure(args, path, threads, profiles):
    """{profile: (min ms, {kind: min ms})}, each the minimum over the interleaved rounds."""
    best = {}
    with tempfile.TemporaryDirectory(prefix="lowbit-profiles-") as scratch:
        for _ in range(args.rounds):
            for profile in profiles:
                ms, kinds = one_run(args, path, threads, profile, scratch)
                old_ms, old_kinds = best.get(profile, (ms, kinds))
                merged = {k: min(v, old_kinds.get(k, v)) for k, v in kinds.items()}
                best[profile] = (min(ms, old_ms), merged)
    return best


def extra_kinds(kinds, baseline, threshold):
    """'KIND +x.xxx' for the kinds that cost more than under the baseline, largest first."""
    extra = [(ms - baseline.get(kind, 0.0), kind) for kind, ms in kinds.items()]
    extra = sorted((e for e in extra if e[0] > threshold), reverse=True)
    return " ".join(f"{kind} +{e:.3f}" for e, kind in extra) or "-"


def run(args):
    profiles = [p for p in args.profiles.split(",") if p and p != BASELINE]
    columns = ["model", "threads", f"{BASELINE} ms"]
    for profile in profiles:
        columns += [f"{profile} ms", "ratio"]
    if args.kinds:
        columns.append("kinds costing more (ms)")
    table = Table(f"lowbit's requantization profiles vs {BASELINE} (bench_model, minimum of "
                  f"{args.rounds} interleaved rounds x {args.runs} runs)", columns, args.markdown,
                  text=(0, len(columns) - 1) if args.kinds else (0,))
    worst = 0.0
    for name, path in models(args):
        for threads in thread_counts(args):
            best = measure(args, path, threads, [BASELINE] + profiles)
            base_ms, base_kinds = best[BASELINE]
            cells = [name, threads, f"{base_ms:.3f}"]
            notes = []
            for profile in profiles:
                ms, kinds = best[profile]
                ratio = ms / max(base_ms, 1e-9)
                worst = max(worst, ratio)
                cells += [f"{ms:.3f}", f"{ratio:.2f}"]
                if args.kinds:
                    notes.append(f"{profile}: {extra_kinds(kinds, base_kinds, args.kind_threshold)}")
            if args.kinds:
                cells.append("; ".join(notes))
            table.row(*cells)
    table.note(f"largest ratio to {BASELINE}: {worst:.2f}")
    return 0
