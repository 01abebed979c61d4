"""The converter's graph-level rewrites (docs/conversion.md, "Graph clean-up") on int8 models
made by TensorFlow's converter, against LiteRT:

  flatten   a Keras model with a dynamic batch, Conv2D -> Flatten -> Dense, whose Flatten
            reshapes to (batch, -1) with the batch read at run time, as Keras 3's Flatten does:
            TFLite gets SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE, which lowbit must fold away.
  nchw      a PyTorch-style NCHW export: TRANSPOSE to NHWC, CONV_2D, TRANSPOSE back to NCHW,
            TRANSPOSE to NHWC again, CONV_2D, TRANSPOSE to NCHW. TensorFlow's converter removes
            the middle pair itself, so it is put back into the .tflite afterwards (PyTorch
            exporters leave such pairs); lowbit must remove it and keep the two at the ends.

Each case checks the converted operator list, then runs seeded random inputs through LiteRT
(BUILTIN_REF) and lowbit-run (reference and auto kernels) and requires equal output bytes.

  TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/conformance/graph_folding_cases.py [--cases 3]
      [--inputs 10] [--seed N]

scripts/conformance.sh --graph-folding-cases builds the tools and runs this. Exit status 1 on
any difference or a wrong operator list.
"""
import argparse
import os
import random
import re
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from lowbit_tools import machine, run_tool, tool  # noqa: E402


def quantized_tflite(tf, converter, shape, rng):
    def representative():
        state = np.random.RandomState(rng.randint(0, 1 << 30))
        for _ in range(8):
            yield [state.uniform(-2, 2, shape).astype(np.float32)]
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = tf.int8
    return converter.convert()


def flatten_model(tf, rng):
    h, w, c, k, units = rng.randint(4, 9), rng.randint(4, 9), rng.randint(1, 4), \
        rng.randint(1, 6), rng.randint(2, 10)
    layers = tf.keras.layers
    features = (h - 2) * (w - 2) * k

    # Keras 3's Flatten under a dynamic batch: the batch comes from tf.shape at run time.
    def flatten(x):
        return tf.reshape(x, tf.stack([tf.shape(x)[0], features]))
    model = tf.keras.Sequential([layers.Input(shape=(h, w, c)), layers.Conv2D(k, 3),
                                 layers.Lambda(flatten), layers.Dense(units)])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    return quantized_tflite(tf, converter, (1, h, w, c), rng), f"input=(None,{h},{w},{c}) k={k}"


def nchw_model(tf, rng):
    # Two or more channels: TensorFlow writes a TRANSPOSE that moves a size-1 axis as RESHAPE.
    n, c, h, w, k = 1, rng.randint(2, 6), rng.randint(3, 10), rng.randint(3, 10), rng.randint(2, 6)
    state = np.random.RandomState(rng.randint(0, 1 << 30))
    w1 = tf.constant(state.uniform(-1, 1, (3, 3, c, k)).astype(np.float32))
    w2 = tf.constant(state.uniform(-1, 1, (3, 3, k, k)).astype(np.float32))

    def f(x):
        y = tf.nn.relu(tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), w1, 1, "SAME"))
        return tf.transpose(tf.nn.conv2d(y, w2, 1, "SAME"), [0, 3, 1, 2])
    concrete = tf.function(f, input_signature=[tf.TensorSpec([n, c, h, w], tf.float32)]) \
        .get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    tflite = quantized_tflite(tf, converter, (n, c, h, w), rng)
    return insert_cancelling_pair(tflite), f"nchw={[n, c, h, w]} k={k}"


def insert_cancelling_pair(tflite):
    """Routes the first CONV_2D's output through NHWC -> NCHW -> NHWC TRANSPOSEs."""
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(tflite))
    graph = model.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    transpose = codes.index(schema.BuiltinOperator.TRANSPOSE)
    position = next(i for i, op in enumerate(graph.operators)
                    if codes[op.opcodeIndex] == schema.BuiltinOperator.CONV_2D)
    nhwc = graph.tensors[graph.operators[position].outputs[0]]

    def add_tensor(name, shape, dtype, data=None, quantization=None):
        tensor = schema.TensorT()
        tensor.name, tensor.shape, tensor.type = name, list(shape), dtype
        tensor.quantization = quantization
        buffer = schema.BufferT()
        buffer.data = None if data is None else np.frombuffer(data.tobytes(), np.uint8)
        model.buffers.append(buffer)
        tensor.buffer = len(model.buffers) - 1
        graph.tensors.append(tensor)
        return len(graph.tensors) - 1

    def add_transpose(source, perm, name):
        shape = [graph.tensors[source].shape[p] for p in perm]
        out = add_tensor(name, shape, nhwc.type, quantization=nhwc.quantization)
        perm_tensor = add_tensor(name + "/perm", [4], schema.TensorType.INT32,
                                 np.array(perm, np.int32))
        op = schema.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = transpose, [source, perm_tensor], [out]
        op.builtinOptionsType = schema.BuiltinOptions.TransposeOptions
        op.builtinOptions = schema.TransposeOptionsT()
        return op, out

    conv_out = graph.operators[position].outputs[0]
    to_nchw, nchw = add_transpose(conv_out, [0, 3, 1, 2], "pair/to_nchw")
    to_nhwc, back = add_transpose(nchw, [0, 2, 3, 1], "pair/to_nhwc")
    for op in graph.operators[position + 1:]:
        op.inputs = [back if t == conv_out else t for t in op.inputs]
    graph.operators[position + 1:position + 1] = [to_nchw, to_nhwc]
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


# name: (model maker, TFLite operators that must be gone, TRANSPOSEs that must stay)
CASES = {
    "flatten": (flatten_model, {"SHAPE", "STRIDED_SLICE", "PACK"}, 0),
    "nchw": (nchw_model, set(), 2),
}


def lowbit_operators(tflite_path, lbm_path, build_dir):
    """Converts; returns {operator: count} from lowbit-convert's summary."""
    out = run_tool([tool("lowbit-convert", build_dir), tflite_path, lbm_path])
    line = next(l for l in out.splitlines() if l.startswith("operators:"))
    return {name: int(count) for name, count in re.findall(r"(\w+) x(\d+)", line)}


def check(path, name, args, rng):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    _, gone, transposes = CASES[name]
    oracle = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    oracle.allocate_tensors()
    tflite_ops = sorted(op["op_name"] for op in oracle._get_ops_details())
    lbm = path[:-len(".tflite")] + ".lbm"
    ops = lowbit_operators(path, lbm, args.build_dir)
    if not gone <= set(tflite_ops):
        return f"the .tflite lacks {sorted(gone - set(tflite_ops))}: {tflite_ops}"
    if gone & set(ops) or ops.get("TRANSPOSE", 0) != transposes:
        return f"lowbit operators {ops} (from {tflite_ops})"
    inp, outs = oracle.get_input_details()[0], oracle.get_output_details()
    for _ in range(args.inputs):
        x = np.random.default_rng(rng.randint(0, 1 << 30)).integers(
            -128, 127, tuple(inp["shape"]), dtype=np.int8, endpoint=True)
        oracle.set_tensor(inp["index"], x)
        oracle.invoke()
        expected = [oracle.get_tensor(d["index"]).tobytes() for d in outs]
        for kernel in ("reference", "auto"):
            got = harness.run_lowbit(lbm, [x], [(d["dtype"], tuple(d["shape"])) for d in outs],
                                     "tflite_reference", args.build_dir, kernel)
            if [np.ascontiguousarray(g).tobytes() for g in got] != expected:
                return f"MISMATCH ({kernel} kernels)"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=3, help="models per case kind")
    parser.add_argument("--inputs", type=int, default=10, help="random inputs per model")
    parser.add_argument("--seed", type=int, help="case seed (default: time-based)")
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    args = parser.parse_args()
    import tensorflow as tf
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    work = os.path.join(args.build_dir, "conformance", "graph_folding_cases")
    os.makedirs(work, exist_ok=True)
    print(f"graph folding cases: seed {seed} (rerun with --seed {seed}), cases in {work}",
          flush=True)
    rng = random.Random(seed)
    problems = []
    for name, (make, _, _) in CASES.items():
        for index in range(args.cases):
            path = os.path.join(work, f"{name}_{index}.tflite")
            model, text = make(tf, rng)
            with open(path, "wb") as f:
                f.write(model)
            problems.append(check(path, name, args, rng))
            print(f"{os.path.basename(path)} [{text}]: {problems[-1] or 'identical'}", flush=True)
    failed = len(problems) - problems.count(None)
    print(f"graph folding cases: {problems.count(None)} identical ({args.inputs} inputs each, "
          f"reference and auto kernels), {failed} failed; {machine()}")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
