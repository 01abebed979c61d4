"""LSTM models (int8 and float32) against LiteRT's reference kernels, fresh and streaming.

These kinds of models, each compared byte for byte against LiteRT BUILTIN_REF with the auto
and the reference kernels at 1 and 2 threads:
  - the zoo's int8 LSTM models (coral/keras_lstm_mnist_ptq, tflite_micro/trained_lstm_int8);
  - small Keras LSTM layers (several sizes, batch sizes, sequence lengths, batch- and
    time-major) quantized by TensorFlow to the fully-integer int8 LSTM (int16 cell state), the
    LSTM's output being the graph output;
  - variants Keras cannot express, edited into such a model: CIFG (no input gate), int16
    peephole weights, cell clipping, projection (with clipping) and layer normalisation (int16
    weights, the gates' scales on intermediates 0-3).
  - float32 models: Keras's float LSTM as converted and edited into the same variants;
  - hybrid models (float activations, int8 weights, inputs quantized per batch row at run time):
    Keras LSTMs quantized by TensorFlow's dynamic-range converter (Optimize.DEFAULT without a
    representative dataset: asymmetric inputs) and models written field by field
    (lstm_models.py) with symmetric or asymmetric inputs, CIFG, int8 peephole and projection,
    float layer norm, clips;
  - BIDIRECTIONAL_SEQUENCE_LSTM written field by field (TensorFlow's converter splits Keras's
    Bidirectional into two unidirectional operators), float32 and hybrid, time- and batch-major,
    merged outputs or two (batch-major merged ones with batch 1: LiteRT offsets the states of
    batch b by the merged width there, past their end).
Each model runs on seeded random inputs from a fresh state, and once as a stream: --invokes
consecutive invokes on one input with the recurrent state carried over (lowbit-run --invokes,
LiteRT without resetting its variables).

  TF_USE_LEGACY_KERAS=1 .venv/bin/python tests/conformance/lstm_cases.py --build-dir build
      [--inputs 10] [--invokes 20] [--seed N] [--models DIR]

scripts/conformance.sh --lstm-cases builds the tools and runs this.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import lstm_models  # noqa: E402
from lowbit_tools import ROOT, machine, tool  # noqa: E402

ZOO_MODELS = ["coral/keras_lstm_mnist_ptq.tflite", "tflite_micro/trained_lstm_int8.tflite"]
# (units, features, steps, batch, time_major)
GENERATED = [(8, 5, 3, 1, False), (16, 12, 7, 2, False), (20, 28, 10, 1, True),
             (32, 4, 5, 3, True), (5, 33, 1, 1, False)]
# Edits of one generated model: (units, features, steps, batch, time_major), edits, projection width.
VARIANTS = [((16, 12, 7, 2, False), ("cifg",), None),
            ((16, 12, 7, 2, False), ("peephole",), None),
            ((16, 12, 7, 2, True), ("cifg", "peephole"), None),
            ((16, 12, 7, 2, False), ("cell_clip",), None),
            ((12, 6, 5, 1, True), ("cifg", "peephole", "cell_clip"), None),
            ((16, 12, 7, 2, False), ("projection", "hidden_zero_point"), 8),
            ((16, 12, 7, 2, True), ("projection", "proj_clip"), 6),
            ((12, 6, 5, 1, False), ("cifg", "projection"), 20),
            ((12, 6, 5, 1, False), ("cifg", "peephole", "projection"), 8),
            ((20, 8, 9, 3, True), ("peephole", "projection", "proj_clip", "cell_clip"), 12),
            ((16, 12, 7, 2, False), ("layer_norm",), None),
            ((12, 6, 5, 1, True), ("cifg", "layer_norm"), None),
            ((16, 5, 8, 2, True), ("peephole", "layer_norm", "cell_clip"), None),
            ((16, 12, 6, 1, False), ("cifg", "peephole", "layer_norm", "projection"), 8)]
# float32 models: Keras's float LSTM, as converted, and edited into the same variants.
FLOAT_GENERATED = [(8, 5, 3, 1, False), (20, 28, 10, 2, True), (5, 33, 1, 1, False)]
FLOAT_VARIANTS = [((16, 12, 7, 2, False), ("cifg", "peephole", "cell_clip"), None),
                  ((16, 12, 7, 2, True), ("projection", "proj_clip"), 8),
                  ((12, 6, 5, 1, False), ("peephole", "projection"), 20),
                  ((16, 5, 8, 2, True), ("layer_norm",), None),
                  ((12, 6, 4, 3, False), ("cifg", "peephole", "layer_norm", "projection"), 8)]
# Hybrid Keras LSTMs from the dynamic-range converter, which quantizes weights of >= 1024
# elements only: (units, features, steps, batch, time_major).
HYBRID_KERAS = [(32, 40, 5, 2, False)]  # one: each conversion costs seconds of CI
# Field-by-field models: (steps, batch, features, time_major, cell, asymmetric, cell_clip, proj_clip).
_C = dict
HYBRID_BUILT = [
    (4, 2, 6, False, _C(units=5, hybrid=True), False, 0.0, 0.0),
    (7, 3, 9, True, _C(units=8, hybrid=True), True, 0.0, 0.0),
    (1, 1, 12, False, _C(units=6, hybrid=True, cifg=True, peephole=True), False, 1.0, 0.0),
    (5, 2, 4, True, _C(units=7, hybrid=True, peephole=True, projection=5), False, 0.0, 0.6),
    (6, 2, 5, False, _C(units=9, hybrid=True, cifg=True, layer_norm=True, projection=11), False,
     2.0, 0.0),
    (3, 2, 6, False, _C(units=6, hybrid=True, peephole=True, projection=4), True, 0.0, 0.0),
    # float32, batch-major with several sequences and 5 cells: each sequence's gates sit at
    # b * 5 floats in LiteRT's scratch, which decides where Eigen's sigmoid vectorises.
    (3, 3, 4, False, _C(units=5, hybrid=False, peephole=True), False, 0.0, 0.0),
]
# (steps, batch, features, time_major, merge, forward cell, backward cell, asymmetric). LiteRT
# checks the backward cell against the forward cell's sizes: equal units and projections.
BIDIRECTIONAL = [
    (5, 2, 4, True, False, _C(units=16, hybrid=False), _C(units=16, hybrid=False), False),
    (3, 1, 7, False, True, _C(units=5, hybrid=False, cifg=True, peephole=True, projection=3),
     _C(units=5, hybrid=False, projection=3), False),
    (4, 2, 6, False, False, _C(units=5, hybrid=False, peephole=True), _C(units=5, hybrid=False),
     False),
    (4, 3, 5, False, False, _C(units=7, hybrid=True), _C(units=7, hybrid=True), True),
    (6, 2, 8, True, True, _C(units=5, hybrid=True, peephole=True, projection=6),
     _C(units=5, hybrid=True, cifg=True, projection=6), False),
    (1, 1, 3, False, True, _C(units=3, hybrid=True), _C(units=3, hybrid=True), False),
]
LSTM_OPERATORS = ("UNIDIRECTIONAL_SEQUENCE_LSTM", "BIDIRECTIONAL_SEQUENCE_LSTM")
RUNS = [(kernel, threads) for kernel in ("auto", "reference") for threads in (1, 2)]


def zoo_dir(given):
    if given:
        return given
    shared = os.environ.get("LOWBIT_MODELS_DIR", os.path.join(ROOT, "..", "shared", "models"))
    return os.path.join(shared, "zoo")


def keras_lstm(path, units, features, steps, batch, time_major, seed, quantize=True):
    """A Keras LSTM layer converted to TFLite's float32 LSTM, quantized to its fully-integer
    int8 LSTM, or (quantize="dynamic") to its hybrid LSTM (int8 weights, float activations)."""
    import tensorflow as tf
    tf.keras.utils.set_random_seed(seed)
    shape = (steps, batch, features) if time_major else (batch, steps, features)
    x = tf.keras.Input(batch_shape=shape)
    y = tf.keras.layers.LSTM(units, return_sequences=True, time_major=time_major)(x)
    model = tf.keras.Model(x, y)
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(32):
            yield [rng.uniform(-1.5, 1.5, shape).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if not quantize:
        with open(path, "wb") as f:
            f.write(converter.convert())
        return
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantize == "dynamic":
        with open(path, "wb") as f:
            f.write(converter.convert())
        return
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with open(path, "wb") as f:
        f.write(converter.convert())


def add_constant(model, graph, name, tensor_type, values, scale):
    """Appends a constant tensor with its own buffer; returns its index."""
    from tensorflow.lite.python import schema_py_generated as schema
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(values.tobytes(), np.uint8)
    model.buffers.append(buffer)
    tensor = schema.TensorT()
    tensor.name, tensor.type = name.encode(), tensor_type
    tensor.shape = np.array(values.shape, np.int32)
    tensor.buffer = len(model.buffers) - 1
    if tensor_type != schema.TensorType.FLOAT32:
        tensor.quantization = schema.QuantizationParametersT()
        tensor.quantization.scale, tensor.quantization.zeroPoint = [scale], [0]
    graph.tensors.append(tensor)
    return len(graph.tensors) - 1


def edit_lstm(path, edits, projection_width, rng):
    """Rewrites the model's LSTM operator in place with the given edits."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as schema
    with open(path, "rb") as f:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(f.read(), 0))
    graph = model.subgraphs[0]
    op = next(o for o in graph.operators if len(o.inputs) >= 20)
    ins = list(op.inputs)
    cells = int(graph.tensors[ins[2]].shape[0])
    T = schema.TensorType
    is_float = graph.tensors[ins[0]].type == T.FLOAT32

    def weights(name, int_type, shape, scale):
        """Random weights: int8/int16 with `scale`, or floats of the same range."""
        if is_float:
            return add_constant(model, graph, name, T.FLOAT32,
                                rng.uniform(-0.5, 0.5, shape).astype(np.float32), 0)
        limit = 127 if int_type == T.INT8 else 32767
        dtype = np.int8 if int_type == T.INT8 else np.int16
        return add_constant(model, graph, name, int_type,
                            rng.integers(-limit, limit + 1, shape).astype(dtype), scale)
    if "cifg" in edits:
        ins[1] = ins[5] = ins[12] = -1
    if "peephole" in edits:
        for i in (9, 10, 11):
            if i == 9 and "cifg" in edits:
                continue
            ins[i] = weights(f"peephole{i}", T.INT16, cells, 0.3 / 32767)
    if "projection" in edits:
        width = projection_width
        ins[16] = weights("projection", T.INT8, (width, cells), 0.02)
        ins[17] = (add_constant(model, graph, "projection_bias", T.FLOAT32,
                                rng.uniform(-0.2, 0.2, width).astype(np.float32), 0) if is_float
                   else add_constant(model, graph, "projection_bias", T.INT32,
                                     rng.integers(-2000, 2000, width).astype(np.int32), 1e-4))
        for i in (5, 6, 7, 8):  # recurrent weights now read the projected state
            if ins[i] >= 0:
                q = graph.tensors[ins[i]].quantization
                ins[i] = weights(f"recurrent{i}", T.INT8, (cells, width),
                                 None if is_float else q.scale[0])
        for t in (graph.tensors[ins[18]], graph.tensors[op.outputs[0]]):
            t.shape = np.array(list(t.shape[:-1]) + [width], np.int32)
            t.shapeSignature = None
        if "proj_clip" in edits:
            op.builtinOptions.projClip = 0.5
    if "layer_norm" in edits:
        ins += [-1] * (24 - len(ins))
        for g in range(4):
            if g > 0 or "cifg" not in edits:
                ins[20 + g] = weights(f"layer_norm{g}", T.INT16, cells,
                                      float(rng.uniform(2e-5, 8e-5)))
            if is_float:
                continue
            # The gate's pre-activation scale, which TFLite reads from intermediate g
            # (the input gate's too with CIFG).
            q = schema.QuantizationParametersT()
            q.scale, q.zeroPoint = [float(rng.uniform(1.5e-4, 6e-4))], [0]
            graph.tensors[op.intermediates[g]].quantization = q
            graph.tensors[op.intermediates[g]].type = T.INT16
    if "hidden_zero_point" in edits and not is_float:
        # Before a projection the hidden state has its own quantization (intermediate 4).
        graph.tensors[op.intermediates[4]].quantization.zeroPoint = [5]
    if "cell_clip" in edits:
        op.builtinOptions.cellClip = 1.5
    op.inputs = np.array(ins, np.int32)
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    with open(path, "wb") as f:
        f.write(builder.Output())


def differing(got, expected):
    return [int(np.count_nonzero(g.view(np.uint8) != e.view(np.uint8))) for g, e in zip(got, expected)]


def check_model(path, lbm, args, rng):
    """Failed comparisons (fresh runs x inputs, plus the streaming runs) of one model."""
    oracle = harness.LiteRTOracle(path, reference=True)
    if not any(op in oracle.operators() for op in LSTM_OPERATORS):
        print(f"  {path} has no LSTM operator")
        return 1
    failures = 0
    specs = oracle.output_specs()
    for index in range(args.inputs + 1):
        stream = index == args.inputs
        invokes = args.invokes if stream else 1
        inputs = [harness.random_input(rng, dtype, shape) for dtype, shape, _ in oracle.input_specs()]
        oracle.reset_state()
        for _ in range(invokes):
            expected = oracle.run(inputs)
        for kernel, threads in RUNS:
            got = harness.run_lowbit(lbm, inputs, specs, "tflite_reference", args.build_dir,
                                     kernel=kernel, threads=threads, invokes=invokes)
            diff = differing(got, expected)
            if any(diff):
                failures += 1
                what = f"stream of {invokes} invokes" if stream else f"input {index}"
                print(f"  {what} kernel={kernel} threads={threads}: differing bytes {diff}")
    return failures


def convert_and_check(name, path, scratch, args, rng):
    lbm = os.path.join(scratch, os.path.basename(path).replace(".tflite", ".lbm"))
    done = subprocess.run([tool("lowbit-convert", args.build_dir), path, lbm],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{name:44s} FAILED to convert: {(done.stderr or done.stdout).strip()[-300:]}")
        return False
    start = time.time()
    failures = check_model(path, lbm, args, rng)
    verdict = "identical" if failures == 0 else f"FAILED ({failures} differing runs)"
    print(f"{name:44s} {verdict}: {args.inputs} inputs + a {args.invokes}-invoke stream x "
          f"{len(RUNS)} runs ({time.time() - start:.0f} s)")
    return failures == 0


def cell_text(cell):
    edits = [k for k in ("cifg", "peephole", "layer_norm") if cell.get(k)]
    if cell.get("projection"):
        edits.append(f"projection to {cell['projection']}")
    return f"units={cell['units']}" + (" " + "+".join(edits) if edits else "")


def check_hybrid_and_bidirectional(scratch, args, rng):
    """The hybrid LSTMs and the BIDIRECTIONAL_SEQUENCE_LSTM models; returns the failed names."""
    failed = []
    for k, (units, features, steps, batch, time_major) in enumerate(HYBRID_KERAS):
        name = (f"hybrid keras lstm units={units} in={features} steps={steps} batch={batch}"
                f"{' time-major' if time_major else ''}")
        path = os.path.join(scratch, f"hybrid_keras{k}.tflite")
        keras_lstm(path, units, features, steps, batch, time_major, args.seed + 200 + k, "dynamic")
        # The dynamic-range converter sets asymmetric_quantize_inputs.
        if not convert_and_check(name, path, scratch, args, rng):
            failed.append(name)
    for k, (steps, batch, features, time_major, cell, asymmetric, cell_clip, proj_clip) in \
            enumerate(HYBRID_BUILT):
        kind = "hybrid" if cell["hybrid"] else "float32"
        name = (f"{kind} lstm {cell_text(cell)} steps={steps} batch={batch}"
                f"{' time-major' if time_major else ''}{' asymmetric' if asymmetric else ''}")
        path = os.path.join(scratch, f"built_lstm{k}.tflite")
        lstm_models.unidirectional_model(path, np.random.default_rng(args.seed + 300 + k), steps,
                                         batch, features, time_major, cell, asymmetric,
                                         cell_clip, proj_clip)
        if not convert_and_check(name, path, scratch, args, rng):
            failed.append(name)
    for k, (steps, batch, features, time_major, merge, fw, bw, asymmetric) in \
            enumerate(BIDIRECTIONAL):
        kind = "hybrid" if fw["hybrid"] else "float32"
        name = (f"{kind} bilstm fw {cell_text(fw)} bw {cell_text(bw)} steps={steps} "
                f"batch={batch}{' time-major' if time_major else ''}"
                f"{' merged' if merge else ''}{' asymmetric' if asymmetric else ''}")
        path = os.path.join(scratch, f"bilstm{k}.tflite")
        lstm_models.bidirectional_model(path, np.random.default_rng(args.seed + 400 + k), steps,
                                        batch, features, time_major, merge, fw, bw, asymmetric,
                                        cell_clip=1.5 if k == 4 else 0.0)
        if not convert_and_check(name, path, scratch, args, rng):
            failed.append(name)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--inputs", type=int, default=10)
    parser.add_argument("--invokes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 1000000)
    parser.add_argument("--models")
    args = parser.parse_args()
    print(f"lstm_cases: {machine()}; seed {args.seed}, {args.inputs} inputs, "
          f"{args.invokes}-invoke streams, runs {RUNS}")
    rng = np.random.default_rng(args.seed)
    failed = []
    with tempfile.TemporaryDirectory(prefix="lowbit-lstm-") as scratch:
        for relative in ZOO_MODELS:
            path = os.path.join(zoo_dir(args.models), relative)
            if not os.path.isfile(path):
                print(f"{relative:44s} FAILED: missing (set LOWBIT_MODELS_DIR or --models)")
                failed.append(relative)
            elif not convert_and_check(relative, path, scratch, args, rng):
                failed.append(relative)
        for quantize, generated, variants in ((True, GENERATED, VARIANTS),
                                              (False, FLOAT_GENERATED, FLOAT_VARIANTS)):
            kind = "int8" if quantize else "float32"
            # One TensorFlow conversion per shape (seconds each): the variants edit a copy of
            # the converted model of their shape; the edits draw their own random weights.
            converted = {}
            for k, (units, features, steps, batch, time_major) in enumerate(generated):
                name = (f"{kind} keras lstm units={units} in={features} steps={steps} "
                        f"batch={batch}{' time-major' if time_major else ''}")
                path = os.path.join(scratch, f"{kind}_lstm{k}.tflite")
                keras_lstm(path, units, features, steps, batch, time_major, args.seed + k, quantize)
                converted[(units, features, steps, batch, time_major)] = path
                if not convert_and_check(name, path, scratch, args, rng):
                    failed.append(name)
            for k, (shape, edits, width) in enumerate(variants):
                name = (f"{kind} lstm units={shape[0]} {'+'.join(edits)}" +
                        (f" to {width}" if width else ""))
                path = os.path.join(scratch, f"{kind}_variant{k}.tflite")
                if shape not in converted:
                    converted[shape] = os.path.join(scratch, f"{kind}_base{k}.tflite")
                    keras_lstm(converted[shape], *shape, args.seed + 100 + k, quantize)
                shutil.copyfile(converted[shape], path)
                edit_lstm(path, edits, width, rng)
                if not convert_and_check(name, path, scratch, args, rng):
                    failed.append(name)
        failed += check_hybrid_and_bidirectional(scratch, args, rng)
    total = (len(ZOO_MODELS) + len(GENERATED) + len(VARIANTS) + len(FLOAT_GENERATED) +
             len(FLOAT_VARIANTS) + len(HYBRID_KERAS) + len(HYBRID_BUILT) + len(BIDIRECTIONAL))
    print(f"lstm_cases: {total} models, {len(failed)} failed" +
          (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
