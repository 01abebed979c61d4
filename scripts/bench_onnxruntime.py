#!/usr/bin/env python3
"""int8 GEMM layers: lowbit and Debian XNNPACK (bench_kernels) beside ONNX Runtime.

Runs, in one script run and one after the other so they see the same machine
load:
  1. build/bin/bench_kernels --benchmark_filter=peers (lowbit's selected GEMM
     variant through the runtime's convolution driver, and XNNPACK's qc8
     convolution, single thread) for the GEMM layers of MobileNetV2-224 and
     ResNet-50 listed in benchmarks/bench_kernels_int8_peers.cpp;
  2. the same layer shapes through ONNX Runtime's CPU provider (MLAS),
     single-threaded (intra_op_num_threads=1, sequential execution):
     QLinearConv (NCHW, per-channel weight scales, int32 bias) for every layer
     and, for 1x1 layers, also QLinearMatMul on the [pixels, K] matrix (no
     layout question, no bias); ORT's time is the fastest of the forms.
     Activations are uint8 by default (int8 weights): MLAS's x86 int8 GEMMs
     are u8s8 (VPDPBUSD takes unsigned activations); int8 activations take a
     far slower path in ORT (--int8-activations adds those forms). The
     arithmetic is the same up to a +128 offset of input and zero point.

Times are CPU time of the running thread (ORT runs single-threaded on the
calling thread), so other jobs on the machine do not inflate them. One ORT
graph holds `copies` identical nodes reading the same input so Python's
per-run overhead is spread over many layer executions.

MACs per cycle: bench_kernels measures the core clock while it runs with a
chain of dependent one-cycle integer adds (this VM exposes no cycle counter);
ORT's MACs per cycle use the clock bench_kernels measured in the same run.
The VNNI limit is 64 int8 MACs per core cycle (one 512-bit VPDPBUSD).

  .venv/bin/python scripts/bench_onnxruntime.py [--build build] [--min-time 0.2]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INPUT_ZERO_POINT, OUTPUT_ZERO_POINT = 3, -5
LAYER_RE = re.compile(r'\{"(\w+)", (\d+), (\d+), (\d+), (\d+), (\d+), (\d+), (true|false)\}')


def read_layers():
    """GEMM layers (not depthwise) of bench_kernels_int8_peers.cpp, so both
    sides always run the same shapes."""
    source = open(os.path.join(ROOT, "benchmarks", "bench_kernels_int8_peers.cpp")).read()
    layers = []
    for m in LAYER_RE.finditer(source):
        name, h, w, in_c, out_c, kernel, stride, depthwise = m.groups()
        if depthwise == "true":
            continue
        h, w, in_c, out_c, kernel, stride = map(int, (h, w, in_c, out_c, kernel, stride))
        pad = kernel // 2
        out_h = (h + 2 * pad - kernel) // stride + 1
        out_w = (w + 2 * pad - kernel) // stride + 1
        layers.append(dict(name=name, h=h, w=w, in_c=in_c, out_c=out_c, kernel=kernel,
                           stride=stride, pad=pad, out_h=out_h, out_w=out_w,
                           macs=out_h * out_w * out_c * kernel * kernel * in_c))
    if not layers:
        sys.exit("bench_onnxruntime.py: no layers found in bench_kernels_int8_peers.cpp")
    return layers


def scalar(name, value, dtype):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def activation_type(signed):
    return (np.int8, TensorProto.INT8, 0) if signed else (np.uint8, TensorProto.UINT8, 128)


def random_activations(shape, signed, rng):
    low, high = (-127, 128) if signed else (0, 256)
    return rng.integers(low, high, size=shape).astype(np.int8 if signed else np.uint8)


def qlinear_conv_model(layer, copies, rng, signed):
    L = layer
    x_type, x_proto, offset = activation_type(signed)
    w = rng.integers(-127, 128, size=(L["out_c"], L["in_c"], L["kernel"], L["kernel"]), dtype=np.int8)
    inits = [
        numpy_helper.from_array(w, "w"),
        scalar("x_scale", 0.05, np.float32), scalar("x_zp", INPUT_ZERO_POINT + offset, x_type),
        numpy_helper.from_array((0.0004 + 0.00001 * (np.arange(L["out_c"]) % 7)).astype(np.float32),
                                "w_scale"),
        numpy_helper.from_array(np.zeros(L["out_c"], np.int8), "w_zp"),
        scalar("y_scale", 1.0, np.float32), scalar("y_zp", OUTPUT_ZERO_POINT + offset, x_type),
        numpy_helper.from_array(np.full(L["out_c"], 100, np.int32), "bias"),
    ]
    p = L["pad"]
    nodes, outputs = [], []
    for i in range(copies):
        nodes.append(helper.make_node(
            "QLinearConv", ["x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp", "bias"],
            [f"y{i}"], kernel_shape=[L["kernel"]] * 2, strides=[L["stride"]] * 2, pads=[p, p, p, p]))
        outputs.append(helper.make_tensor_value_info(
            f"y{i}", x_proto, [1, L["out_c"], L["out_h"], L["out_w"]]))
    x = helper.make_tensor_value_info("x", x_proto, [1, L["in_c"], L["h"], L["w"]])
    graph = helper.make_graph(nodes, "conv", [x], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    feed = random_activations((1, L["in_c"], L["h"], L["w"]), signed, rng)
    return model, feed


def qlinear_matmul_model(layer, copies, rng, signed):
    L = layer
    x_type, x_proto, offset = activation_type(signed)
    rows, k, n = L["out_h"] * L["out_w"], L["in_c"], L["out_c"]
    b = rng.integers(-127, 128, size=(k, n), dtype=np.int8)
    inits = [
        numpy_helper.from_array(b, "b"),
        scalar("a_scale", 0.05, np.float32), scalar("a_zp", INPUT_ZERO_POINT + offset, x_type),
        scalar("b_scale", 0.0004, np.float32), scalar("b_zp", 0, np.int8),
        scalar("y_scale", 1.0, np.float32), scalar("y_zp", OUTPUT_ZERO_POINT + offset, x_type),
    ]
    nodes, outputs = [], []
    for i in range(copies):
        nodes.append(helper.make_node(
            "QLinearMatMul", ["a", "a_scale", "a_zp", "b", "b_scale", "b_zp", "y_scale", "y_zp"],
            [f"y{i}"]))
        outputs.append(helper.make_tensor_value_info(f"y{i}", x_proto, [rows, n]))
    a = helper.make_tensor_value_info("a", x_proto, [rows, k])
    graph = helper.make_graph(nodes, "matmul", [a], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    feed = random_activations((rows, k), signed, rng)
    return model, feed


def time_ort(model, feed, copies, min_time):
    """CPU seconds per layer execution: minimum over repeated timed batches."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    for _ in range(3):
        session.run(None, {input_name: feed})
    best = float("inf")
    spent = 0.0
    while spent < min_time or best == float("inf"):
        runs = 5
        start = time.thread_time()
        for _ in range(runs):
            session.run(None, {input_name: feed})
        elapsed = time.thread_time() - start
        spent += elapsed
        best = min(best, elapsed / (runs * copies))
    return best


def run_bench_kernels(build, min_time):
    binary = os.path.join(build, "bin", "bench_kernels")
    if not os.access(binary, os.X_OK):
        sys.exit(f"bench_onnxruntime.py: {binary} missing (cmake --build {build} --target bench_kernels)")
    out = subprocess.run([binary, "--benchmark_filter=peers/", f"--benchmark_min_time={min_time}",
                          "--benchmark_format=json"], check=True, capture_output=True, text=True).stdout
    results = {}
    for b in json.loads(out)["benchmarks"]:
        _, layer, side = b["name"].split("/")[:3]
        results[(layer, side)] = b
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--min-time", type=float, default=0.2,
                        help="seconds of CPU time per measurement")
    parser.add_argument("--int8-activations", action="store_true",
                        help="also time int8-activation graphs (slow in ORT)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    layers = read_layers()
    rng = np.random.default_rng(1)

    print(f"onnxruntime {ort.__version__}, onnx {onnx.__version__}", file=sys.stderr)
    bench = run_bench_kernels(args.build, args.min_time)
    ort_rows = {}
    for L in layers:
        copies = max(1, min(64, int(2e8 / L["macs"])))
        forms = {}
        for signed in [False, True] if args.int8_activations else [False]:
            tag = "s8" if signed else "u8"
            forms[f"QLinearConv {tag}"] = qlinear_conv_model(L, copies, rng, signed)
            if L["kernel"] == 1 and L["stride"] == 1:
                forms[f"QLinearMatMul {tag}"] = qlinear_matmul_model(L, copies, rng, signed)
        timed = {form: time_ort(m, feed, copies, args.min_time) for form, (m, feed) in forms.items()}
        best_form = min(timed, key=timed.get)
        ort_rows[L["name"]] = (timed[best_form], best_form)

    header = ["layer", "MACs (M)", "lowbit µs", "XNNPACK µs", "ORT µs", "ORT form",
              "core GHz", "lowbit MACs/cycle", "ORT MACs/cycle", "lowbit % of 64",
              "vs ORT", "vs XNNPACK"]
    rows = []
    for L in layers:
        ours = bench.get((L["name"], "lowbit"))
        xnn = bench.get((L["name"], "xnnpack"))
        if ours is None or xnn is None:
            print(f"bench_onnxruntime.py: bench_kernels gave no result for {L['name']}", file=sys.stderr)
            continue
        ours_s = ours["cpu_time"] * 1e-6
        xnn_s = xnn["cpu_time"] * 1e-6
        ort_s, form = ort_rows[L["name"]]
        core_hz = ours["core_GHz"] * 1e9
        ours_mpc = L["macs"] / (ours_s * core_hz)
        ort_mpc = L["macs"] / (ort_s * core_hz)
        rows.append([L["name"], f"{L['macs'] / 1e6:.1f}", f"{ours_s * 1e6:.1f}", f"{xnn_s * 1e6:.1f}",
                     f"{ort_s * 1e6:.1f}", form, f"{core_hz / 1e9:.2f}", f"{ours_mpc:.1f}",
                     f"{ort_mpc:.1f}", f"{100 * ours_mpc / 64:.0f}%", f"{ort_s / ours_s:.2f}×",
                     f"{xnn_s / ours_s:.2f}×"])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i in (0, 5) else "---:" for i in range(len(header))) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
        for r in rows:
            print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    total = lambda col: sum(float(r[col]) for r in rows)
    print(f"\nsum of layer times: lowbit {total(2):.0f} µs, XNNPACK {total(3):.0f} µs, "
          f"ORT {total(4):.0f} µs (ORT / lowbit = {total(4) / total(2):.2f}×, "
          f"XNNPACK / lowbit = {total(3) / total(2):.2f}×)")


if __name__ == "__main__":
    main()
