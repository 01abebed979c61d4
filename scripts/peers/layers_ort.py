"""int8 GEMM layers of MobileNetV2-224 and ResNet-50 (the non-depthwise layers listed in
benchmarks/bench_kernels_int8_peers.cpp), single thread, one after the other in one run:
build/bin/bench_kernels --benchmark_filter=peers/ (lowbit's selected GEMM through the runtime's
convolution driver, and Debian XNNPACK's qc8 convolution), then ONNX Runtime's CPU provider
(MLAS) on the same shapes: QLinearConv for every layer and, for 1x1 layers, QLinearMatMul too;
ORT's time is its fastest form (peers/ort_graphs.py). Times are CPU time. "% of peak" holds
G MAC/s (MACs per CPU second) against the int8 dot-product peak bench_kernels measures on this
core in the same run (a VPDPBUSD / SDOT throughput loop, benchmarks/bench_kernels_peak.h), not
against an assumed MACs-per-cycle limit at an estimated clock."""
import json
import os
import re
import subprocess

import numpy as np

from lowbit_tools import ROOT, tool
from .ort_graphs import cpu_seconds_per_layer, forms
from .report import Table

LAYER = re.compile(r'\{"(\w+)", (\d+), (\d+), (\d+), (\d+), (\d+), (\d+), (true|false)\}')
COLUMNS = ["layer", "MACs (M)", "lowbit µs", "XNNPACK µs", "ORT µs", "ORT form", "lowbit G MAC/s",
           "ORT G MAC/s", "lowbit % of peak", "ORT % of peak", "vs ORT", "vs XNNPACK"]


def add_arguments(parser):
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="seconds of CPU time per measurement")
    parser.add_argument("--int8-activations", action="store_true",
                        help="also time int8-activation graphs (slow in ORT)")


def read_layers():
    """The GEMM layers of bench_kernels_int8_peers.cpp, so both sides run the same shapes."""
    with open(os.path.join(ROOT, "benchmarks", "bench_kernels_int8_peers.cpp")) as f:
        source = f.read()
    layers = []
    for match in LAYER.finditer(source):
        name, *numbers, depthwise = match.groups()
        if depthwise == "true":
            continue
        h, w, in_c, out_c, kernel, stride = map(int, numbers)
        pad = kernel // 2
        out_h, out_w = (h + 2 * pad - kernel) // stride + 1, (w + 2 * pad - kernel) // stride + 1
        layers.append(dict(name=name, h=h, w=w, in_c=in_c, out_c=out_c, kernel=kernel,
                           stride=stride, pad=pad, out_h=out_h, out_w=out_w,
                           macs=out_h * out_w * out_c * kernel * kernel * in_c))
    if not layers:
        raise SystemExit("no layers found in benchmarks/bench_kernels_int8_peers.cpp")
    return layers


def bench_kernels(build, min_time):
    """{(layer, "lowbit" or "xnnpack"): Google Benchmark result}."""
    out = subprocess.run([tool("bench_kernels", build), "--benchmark_filter=peers/",
                          f"--benchmark_min_time={min_time}", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    results = {}
    for benchmark in json.loads(out)["benchmarks"]:
        _, layer, side = benchmark["name"].split("/")[:3]
        results[(layer, side)] = benchmark
    return results


def percent(g_macs, peak):
    return f"{100 * g_macs / peak:.0f}%" if peak else "-"


def run(args):
    import onnx
    import onnxruntime
    layers = read_layers()
    rng = np.random.default_rng(1)
    ours_all = bench_kernels(args.build, args.min_time)
    table = Table(f"lowbit and XNNPACK (bench_kernels) vs ONNX Runtime {onnxruntime.__version__} "
                  f"(onnx {onnx.__version__}), int8 GEMM layers, 1 thread", COLUMNS, args.markdown,
                  text=(0, 5), widths={0: 26, 5: 16})
    sums = np.zeros(3)
    peak = 0.0  # G MAC/s; 0 where bench_kernels measured none (no int8 dot-product instruction)
    for L in layers:
        ours, xnn = ours_all.get((L["name"], "lowbit")), ours_all.get((L["name"], "xnnpack"))
        if ours is None or xnn is None:
            print(f"bench_kernels gave no result for {L['name']}")
            continue
        copies = max(1, min(64, int(2e8 / L["macs"])))
        timed = {form: cpu_seconds_per_layer(model, feed, copies, args.min_time)
                 for form, (model, feed) in forms(L, copies, rng, args.int8_activations).items()}
        form = min(timed, key=timed.get)
        ours_s, xnn_s, ort_s = ours["cpu_time"] * 1e-6, xnn["cpu_time"] * 1e-6, timed[form]
        peak = ours.get("peak_GMAC/s", 0.0)
        ours_g, ort_g = L["macs"] / ours_s * 1e-9, L["macs"] / ort_s * 1e-9
        sums += [ours_s, xnn_s, ort_s]
        table.row(L["name"], f"{L['macs'] / 1e6:.1f}", f"{ours_s * 1e6:.1f}", f"{xnn_s * 1e6:.1f}",
                  f"{ort_s * 1e6:.1f}", form, f"{ours_g:.0f}", f"{ort_g:.0f}", percent(ours_g, peak),
                  percent(ort_g, peak), f"{ort_s / ours_s:.2f}×", f"{xnn_s / ours_s:.2f}×")
    lowbit, xnnpack, ort = sums * 1e6
    table.note(f"int8 peak measured by bench_kernels in this run: {peak:.0f} G MAC/s per core"
               if peak else "no int8 dot-product peak measured on this CPU (% of peak: -)")
    table.note(f"sum of layer times: lowbit {lowbit:.0f} µs, XNNPACK {xnnpack:.0f} µs, ORT {ort:.0f} µs"
               f" (ORT / lowbit = {ort / lowbit:.2f}×, XNNPACK / lowbit = {xnnpack / lowbit:.2f}×)")
    return 0
