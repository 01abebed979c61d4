"""int8 end to end: lowbit's bench_model beside LiteRT's Interpreter on its default path (XNNPACK
delegate), on the int8 models of ../shared/models and build/models/demo_int8.lbm. Per model and
thread count the two run one after the other, so both see the same machine load. "ms" is the
minimum latency over the measured runs (on a shared machine the least disturbed estimate of what
the code costs); "CPU ms" the CPU time per inference with all threads summed (what the work costs
whatever else runs; at 1 thread the fairest comparison). Ratios below 1: lowbit is faster."""
import os
import sys

import numpy as np

from lowbit_tools import SHARED_INT8_MODELS, SHARED_MODELS, convert_or_exit
from .measure import add_latency_arguments, call_latency, lowbit_latency, thread_counts
from .report import Table

COLUMNS = ["model", "threads", "lowbit ms", "LiteRT ms", "ratio", "lowbit CPU ms", "LiteRT CPU ms",
           "CPU ratio"]


def add_arguments(parser):
    add_latency_arguments(parser)
    parser.add_argument("--models", default=SHARED_MODELS, help="the shared models folder")
    parser.add_argument("--profile", default="xnnpack_fp32",
                        help="lowbit's requantization profile (xnnpack_fp32: the arithmetic of "
                             "LiteRT's XNNPACK path; tflite_reference: TFLite's reference kernels)")


def litert_invoke(name, tflite, threads):
    """The invoke of a LiteRT Interpreter (default path) on random inputs, or None (with a note
    on stderr) when it refuses the file."""
    import harness
    from ai_edge_litert.interpreter import Interpreter
    try:
        interpreter = Interpreter(model_path=tflite, num_threads=threads)
        interpreter.allocate_tensors()
    except ValueError as error:
        print(f"LiteRT cannot load {name}: {str(error)[:120]}", file=sys.stderr)
        return None
    rng = np.random.default_rng(1)
    for detail in interpreter.get_input_details():
        interpreter.set_tensor(detail["index"],
                               harness.random_input(rng, detail["dtype"], detail["shape"]))
    return interpreter.invoke


def litert_latency(name, tflite, threads, runs, warmup, budget_s=None):
    """LiteRT's Latency on its default path, or None when it refuses the file."""
    invoke = litert_invoke(name, tflite, threads)
    return invoke and call_latency(invoke, runs, warmup, budget_s)


def comparison_cells(ours, theirs):
    """The latency, ratio and CPU cells of one row; "-" where LiteRT has no figure."""
    if not theirs:
        return [f"{ours.min_ms:.3f}", "-", "-", f"{ours.cpu_ms:.3f}", "-", "-"]
    return [f"{ours.min_ms:.3f}", f"{theirs.min_ms:.3f}", f"{ours.min_ms / theirs.min_ms:.2f}",
            f"{ours.cpu_ms:.3f}", f"{theirs.cpu_ms:.3f}",
            f"{ours.cpu_ms / max(theirs.cpu_ms, 1e-9):.2f}"]


def models(args):
    """(name, .lbm, .tflite or None) of every model there is."""
    out_dir = os.path.join(args.build, "models", "peers")
    os.makedirs(out_dir, exist_ok=True)
    found = []
    for rel in SHARED_INT8_MODELS:
        tflite = os.path.join(args.models, rel)
        if not os.path.exists(tflite):
            print(f"skipped (missing): {tflite}", file=sys.stderr)
            continue
        name = os.path.basename(rel)[:-len(".tflite")]
        found.append((name, convert_or_exit(tflite, os.path.join(out_dir, name + ".lbm"), args.build),
                      tflite))
    demo = os.path.join(args.build, "models", "demo_int8.lbm")
    if os.path.exists(demo):
        found.append(("demo_int8 (no .tflite)", demo, None))
    return found


def run(args):
    table = Table(f"lowbit (profile {args.profile}) vs LiteRT, int8 end to end, {args.runs} runs",
                  COLUMNS, args.markdown)
    for name, lbm, tflite in models(args):
        for threads in thread_counts(args):
            ours = lowbit_latency(args.build, lbm, threads, args.runs, args.warmup, args.profile)
            theirs = tflite and litert_latency(name, tflite, threads, args.runs, args.warmup)
            table.row(name, threads, *comparison_cells(ours, theirs))
    return 0
