"""Issue 16's end-to-end table: LiteRT's Interpreter on its default path (XNNPACK delegate) beside
lowbit's bench_model under the default profile (tflite_reference, TFLite's exact arithmetic) and
under xnnpack_fp32 (the arithmetic of LiteRT's XNNPACK path), on MLPerf Tiny VWW and KWS,
MobileNetV2-224, the generated networks of scripts/peers/issue_models.py (ResNet-8, a 6-block
ResNet, a 20-block VWW MobileNet) and every zoo vision model, each .tflite loaded directly.

Per model and thread count the three run in interleaved rounds (LiteRT, lowbit default, lowbit
xnnpack_fp32, then again), each round --runs inferences after --warmup; a cell is the minimum
latency over all its rounds, so a busy moment of a shared machine costs one round, not one
runtime. Ratios are lowbit / LiteRT (below 1: lowbit is faster). The closing lines count the
default-profile rows within issue 16's targets (at most 0.8x at 1 thread, 0.9x at 2)."""
import os
import sys

from lowbit_tools import SHARED_MODELS
from . import issue_models
from .int8_litert import litert_invoke
from .measure import bench_model, call_latency, thread_counts
from .report import Table
from .zoo_litert import VISION_MODELS

TARGETS = {1: 0.8, 2: 0.9}
PROFILES = ["tflite_reference", "xnnpack_fp32"]
SHARED = ["mlperf_tiny/vww_96_int8.tflite", "mlperf_tiny/kws_ref_model.tflite",
          "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite"]
COLUMNS = ["model", "M MACs", "threads", "LiteRT ms"]
for _profile in PROFILES:
    COLUMNS += [f"{_profile} ms", "ratio"]


def add_arguments(parser):
    parser.add_argument("--models", default=SHARED_MODELS, help="the shared models folder")
    parser.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    parser.add_argument("--runs", type=int, default=50, help="inferences per round and runtime")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured inferences per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--only", default="", help="comma-separated parts of model names to keep")


def models(args):
    """(name, .tflite, M MACs or None) of every model of the table --only keeps."""
    found = []
    for rel in SHARED + [rel for rel in VISION_MODELS if rel not in SHARED]:
        path = os.path.join(args.models, rel)
        if os.path.exists(path):
            found.append((os.path.basename(rel)[:-len(".tflite")], path, None))
        else:
            print(f"skipped (missing): {path}", file=sys.stderr)
    wanted = [part for part in args.only.split(",") if part]

    def keep(name):
        return not wanted or any(part in name for part in wanted)
    found = [m for m in found if keep(m[0])]
    return found + [(name, path, macs / 1e6)
                    for name, path, macs in issue_models.generate(args.build, keep)]


def lowbit_round(args, path, threads, profile):
    report, _ = bench_model(args.build, path, threads, args.runs, args.warmup, profile)
    return report["inference_min_ms"]


def measure(args, path, threads):
    """{runtime: minimum ms over the interleaved rounds}; LiteRT absent when it refuses the file."""
    invoke = litert_invoke(os.path.basename(path), path, threads)
    best = {}
    for _ in range(args.rounds):
        if invoke:
            ms = call_latency(invoke, args.runs, args.warmup).min_ms
            best["LiteRT"] = min(ms, best.get("LiteRT", ms))
        for profile in PROFILES:
            ms = lowbit_round(args, path, threads, profile)
            best[profile] = min(ms, best.get(profile, ms))
    return best


def run(args):
    table = Table(f"lowbit vs LiteRT (XNNPACK), int8 end to end, minimum of {args.rounds} "
                  f"interleaved rounds x {args.runs} runs", COLUMNS, args.markdown,
                  widths={0: 36})
    within = {t: [0, 0] for t in thread_counts(args)}
    misses = []
    for name, path, macs in models(args):
        for threads in thread_counts(args):
            best = measure(args, path, threads)
            theirs = best.get("LiteRT")
            cells = [name, f"{macs:.0f}" if macs else "-", threads,
                     f"{theirs:.3f}" if theirs else "-"]
            for profile in PROFILES:
                ratio = best[profile] / theirs if theirs else None
                cells += [f"{best[profile]:.3f}", f"{ratio:.2f}" if ratio else "-"]
            table.row(*cells)
            target = TARGETS.get(threads)
            if theirs and target:
                ratio = best[PROFILES[0]] / theirs
                within[threads][0] += ratio <= target
                within[threads][1] += 1
                if ratio > target:
                    misses.append(f"{name} at {threads} thread(s) {ratio:.2f}")
    for threads, (met, total) in within.items():
        if threads in TARGETS:
            table.note(f"default profile at {threads} thread(s): {met} of {total} models at most "
                       f"{TARGETS[threads]}x LiteRT's latency")
    if misses:
        table.note("above the target: " + "; ".join(misses))
    return 0
