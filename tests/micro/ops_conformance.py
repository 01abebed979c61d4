#!/usr/bin/env python3
"""lowbit micro's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED against lowbit-run.

Every model runs under the four requantization profiles through lowbit-micro-run (the host's
SIMD kernels) and lowbit-micro-run-portable (the portable kernels) on random inputs, and its
output bytes must equal lowbit-run's on the same input (with its SIMD kernels, and with
--kernel reference for the portable build). The models (tests/micro/micro_op_models.py):
- one-layer int8 models of chosen geometry: strides 1/2, SAME/VALID, dilation 2 (and 2x1), 1x1
  (direct rows) and K x K (gathered), 1, 3 and up to 40 channels, grouped convolution, depth
  multiplier 2 on the row and generic depthwise paths, every fused activation, per-channel and
  per-tensor weights, with and without bias, batch > 1, rank-3 FULLY_CONNECTED;
- random ones from tests/conformance/op_cases.py (random shapes, strides, dilations, paddings,
  activations, depth multipliers up to 3, zero points, biases, scales);
- the MLPerf Tiny int8 models whole (AD01, KWS, VWW from $LOWBIT_MODELS_DIR or
  ../shared/models/mlperf_tiny), and KWS and VWW cut before their AVERAGE_POOL_2D (every
  convolution of theirs, on these three operators alone);
- models lowbit micro must refuse with a message naming the tensor at fault (uint8 and int16
  activations, an accumulator that could overflow, weights that are not constant, weights
  quantized along the wrong axis).
--keras adds the chosen layers built in Keras and quantized by TFLite's converter (about 30 s
more). A model both runtimes refuse for an int32 accumulator that could overflow counts as
agreement. Exits 1 on any difference or failure.

  .venv/bin/python tests/micro/ops_conformance.py [--bin build/bin] [--keep DIR] [-k NAME]
      [--random N] [--seed S] [--no-mlperf] [--keras] [--emulate BIN_DIR=QEMU_COMMAND ...]

--bin names the folder of lowbit-run, lowbit-convert, lowbit-micro-run and
lowbit-micro-run-portable. --emulate BIN_DIR=QEMU_COMMAND (repeatable) also runs a cross
build's two micro tools under that emulator against the host's lowbit-run, e.g.
build-aarch64/bin='qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu'.
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import micro_op_models  # noqa: E402
from micro_op_models import ROOT  # noqa: E402

PROFILES = ["tflite_reference", "single_rounding", "xnnpack_fp32", "tflite_optimized"]
MICRO_TOOLS = ["lowbit-micro-run", "lowbit-micro-run-portable"]
# The hosted kernel set each micro build is compared with: the portable micro build (the
# portable GEMM and depthwise kernels) against the hosted operators' whole-layer reference
# kernels, a second definition.
HOST_KERNELS = {"lowbit-micro-run": "auto", "lowbit-micro-run-portable": "reference"}
MLPERF_MODELS = ["ad01_int8", "kws_ref_model", "vww_96_int8"]
TRUNKS = ["kws_ref_model", "vww_96_int8"]  # also cut before their AVERAGE_POOL_2D


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")


def refusal(cmd):
    """None when cmd succeeds, else its output (an error message)."""
    result = subprocess.run(cmd, capture_output=True, text=True)
    return None if result.returncode == 0 else (result.stdout + result.stderr).strip()


def micro_runners(bin_dir, emulated):
    """(label, command prefix, lowbit-run kernel set) of every micro build to check: the
    host's two, and each --emulate BIN_DIR=QEMU_COMMAND's two under that emulator."""
    runners = [(tool, [os.path.join(bin_dir, tool)], HOST_KERNELS[tool]) for tool in MICRO_TOOLS]
    for spec in emulated:
        cross_dir, _, emulator = spec.partition("=")
        for tool in MICRO_TOOLS:
            path = os.path.join(cross_dir, tool)
            if not os.path.exists(path) or not emulator:
                raise SystemExit(f"ops_conformance: --emulate {spec}: {path} is missing or no "
                                 "emulator command given")
            runners.append((f"{emulator.split()[0]} {tool}", emulator.split() + [path],
                            HOST_KERNELS[tool]))
    return runners


def compare(bin_dir, runners, lbm, work, seed):
    """Mismatches and failures of one model (empty: all equal)."""
    failures = []
    lowbit_run = os.path.join(bin_dir, "lowbit-run")
    for profile in PROFILES:
        for index, (tool, command, host_kernels) in enumerate(runners):
            stem = os.path.join(work, f"{profile}-{index}")
            micro_error = refusal(command + [lbm, "--random-inputs", str(seed),
                                             "--save-input", f"0={stem}.in", "--output",
                                             f"0={stem}.micro", "--profile", profile, "--quiet"])
            if micro_error:
                host_error = refusal([lowbit_run, lbm, "--profile", profile])
                if not (host_error and "overflow" in micro_error and "overflow" in host_error):
                    failures.append(f"{profile} {tool}: {micro_error}")
                continue
            host_error = refusal([lowbit_run, lbm, "--input", f"0={stem}.in", "--output",
                                  f"0={stem}.host", "--profile", profile,
                                  "--kernel", host_kernels])
            if host_error:
                failures.append(f"{profile} lowbit-run: {host_error}")
                continue
            with open(f"{stem}.micro", "rb") as f:
                micro = f.read()
            with open(f"{stem}.host", "rb") as f:
                host = f.read()
            if micro != host:
                diff = sum(a != b for a, b in zip(micro, host)) + abs(len(micro) - len(host))
                failures.append(f"{profile} {tool}: {diff} of {len(host)} bytes differ")
    return failures


def check_refusal(runners, lbm, expected):
    failures = []
    for tool, command, _ in runners:
        error = refusal(command + [lbm, "--random-inputs", "1", "--quiet"])
        if error is None:
            failures.append(f"{tool} ran the model; it should refuse it")
        elif not all(text in error for text in expected):
            failures.append(f"{tool}: the refusal {error!r} lacks one of {expected}")
    return failures


def cases(args):
    """(name, a function returning the .tflite bytes or its path, refusal texts or None)."""
    for index, (name, layer) in enumerate(sorted(micro_op_models.LAYERS.items())):
        yield name, lambda layer=layer, index=index: micro_op_models.built_model(layer, index), None
    if args.keras:
        tf = micro_op_models.import_tensorflow()
        for index, (name, layer) in enumerate(sorted(micro_op_models.LAYERS.items())):
            yield (f"keras_{name}",
                   lambda layer=layer, index=index: micro_op_models.keras_model(tf, layer, index),
                   None)
    for name, model in micro_op_models.random_models(args.random, args.seed):
        yield name, lambda model=model: model, None
    models_dir = os.path.join(os.environ.get("LOWBIT_MODELS_DIR") or
                              os.path.join(os.path.dirname(ROOT), "shared", "models"),
                              "mlperf_tiny")
    for name in [] if args.no_mlperf else MLPERF_MODELS:
        path = os.path.join(models_dir, name + ".tflite")
        yield name, lambda path=path: path, None
        if name in TRUNKS:
            yield (f"{name}_trunk",
                   lambda path=path: micro_op_models.trunk_model(path) if os.path.exists(path)
                   else path, None)
    for name, model, expected in micro_op_models.refused_models():
        yield name, lambda model=model: model, expected


def run_case(args, runners, work_root, index, name, source, expected):
    work = os.path.join(work_root, name)
    os.makedirs(work, exist_ok=True)
    lbm = os.path.join(work, "model.lbm")
    try:
        model = source()
        if isinstance(model, str):
            tflite = model
            if not os.path.exists(tflite):
                return [f"{tflite} not found (looked in $LOWBIT_MODELS_DIR or ../shared/models; "
                        "--no-mlperf leaves these out)"]
        else:
            tflite = os.path.join(work, "model.tflite")
            with open(tflite, "wb") as f:
                f.write(model)
        run([os.path.join(args.bin, "lowbit-convert"), tflite, lbm])
    except Exception as e:  # a model that does not build or convert is a failure too
        return [f"setup: {e}"]
    if expected is not None:
        return check_refusal(runners, lbm, expected)
    return compare(args.bin, runners, lbm, work, 100 + index)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--keep", help="write the models and outputs here (else a temp dir)")
    parser.add_argument("-k", dest="only", help="run only cases whose name contains this")
    parser.add_argument("--random", type=int, default=20,
                        help="random models per operator (op_cases.py; default 20)")
    parser.add_argument("--seed", type=int, default=17, help="seed of the random models")
    parser.add_argument("--no-mlperf", action="store_true",
                        help="leave out the MLPerf Tiny models (AD01, KWS, VWW)")
    parser.add_argument("--keras", action="store_true",
                        help="also the chosen layers through Keras and TFLite's quantizer")
    parser.add_argument("--emulate", action="append", default=[], metavar="BIN_DIR=QEMU",
                        help="also check a cross build's micro tools under an emulator, e.g. "
                        "build-aarch64/bin='qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu' "
                        "(repeatable)")
    args = parser.parse_args()
    runners = micro_runners(args.bin, args.emulate)
    for tool in ["lowbit-run", "lowbit-convert"] + MICRO_TOOLS:
        if not os.path.exists(os.path.join(args.bin, tool)):
            print(f"ops_conformance: {tool} not found in {args.bin} (build it first)")
            return 1
    work_root = args.keep or tempfile.mkdtemp(prefix="lowbit-micro-ops-")
    failed = models = 0
    for index, (name, source, expected) in enumerate(cases(args)):
        if args.only and args.only not in name:
            continue
        failures = run_case(args, runners, work_root, index, name, source, expected)
        print(f"{'ok' if not failures else 'FAIL':4} {name}", flush=True)
        for f in failures:
            print(f"     {f}")
        failed += bool(failures)
        models += 1
    if models == 0:
        print(f"ops_conformance: no case matches {args.only!r}")
        return 1
    print(f"ops_conformance: {models - failed} of {models} models pass (each under "
          f"{len(PROFILES)} profiles x {len(runners)} micro builds) in {work_root}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
