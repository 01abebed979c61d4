"""Binary networks: lowbit's bench_model beside Larq Compute Engine's interpreter (LCE 0.16, its
C++ interpreter called directly), one after the other per model and thread count. The models are
the `bench` suite of tests/conformance/binary_models.py (QuickNet- and Bi-Real-Net-18-style
networks at 224x224, single LceBconv2d layers on a ResNet's stage shapes), generated into
BUILD/binary_models when missing. Each is also checked bit for bit: lowbit-run's outputs with the
reference kernels and with the SIMD kernels (1 and 2 threads) must be equal, else exit status 1."""
import os
import subprocess
import sys

import numpy as np

from lowbit_tools import ROOT, convert_or_exit
from simd_vs_reference import kernels_differ
from .measure import add_latency_arguments, call_latency, lowbit_latency, thread_counts
from .report import Table

PROFILE = "tflite_optimized"  # what LCE's interpreter computes (tests/conformance/README.md)
COLUMNS = ["model", "threads", "lowbit min ms", "lowbit avg ms", "LCE min ms", "LCE avg ms",
           "LCE/lowbit (min)", "LCE/lowbit (avg)", "reference == auto"]


def add_arguments(parser):
    add_latency_arguments(parser)
    parser.add_argument("--models-dir", help="where the models are (default BUILD/binary_models)")
    parser.add_argument("--quick", action="store_true", help="the single layers only")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the .tflite files")


def generate(args):
    """Paths of the bench suite's models, generated in a child process (TensorFlow stays out of
    the measuring one) where missing."""
    command = [sys.executable, os.path.join(ROOT, "tests", "conformance", "binary_models.py"),
               args.models_dir or os.path.join(args.build, "binary_models"), "--suite", "bench"]
    command += ["--quick"] * args.quick + ["--force"] * args.regenerate
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit("binary model generation failed: " + " ".join(command))
    return done.stdout.split()


def lce_latency(tflite, threads, runs, warmup):
    import harness
    interpreter = harness.lce_interpreter_class()(open(tflite, "rb").read(), num_threads=threads)
    rng = np.random.default_rng(1)
    inputs = [rng.uniform(-1, 1, shape).astype(np.float32) for shape in interpreter.input_shapes]
    return call_latency(lambda: interpreter.interpreter.predict(inputs), runs, warmup)


def run(args):
    table = Table(f"lowbit vs Larq Compute Engine, binary models, {args.runs} runs", COLUMNS,
                  args.markdown, text=(0, 8), widths={0: 28})
    all_identical = True
    for tflite in generate(args):
        name = os.path.basename(tflite)[:-len(".tflite")]
        lbm = convert_or_exit(tflite, tflite[:-len(".tflite")] + ".lbm", args.build)
        different, _ = kernels_differ(args.build, lbm, profiles=(PROFILE,), seeds=(1,))
        all_identical &= not different
        for threads in thread_counts(args):
            ours = lowbit_latency(args.build, lbm, threads, args.runs, args.warmup, PROFILE)
            theirs = lce_latency(tflite, threads, args.runs, args.warmup)
            table.row(name, threads, f"{ours.min_ms:.3f}", f"{ours.mean_ms:.3f}",
                      f"{theirs.min_ms:.3f}", f"{theirs.mean_ms:.3f}",
                      f"{theirs.min_ms / ours.min_ms:.1f}x", f"{theirs.mean_ms / ours.mean_ms:.1f}x",
                      "NO" if different else "yes")
    return 0 if all_identical else 1
