"""ONNX Runtime graphs for one int8 GEMM layer and their timing. A graph holds `copies` identical
nodes reading one input, so Python's per-run overhead spreads over many layer executions.
Activations are uint8 by default (int8 weights): MLAS's x86 int8 GEMMs are u8s8 (VPDPBUSD takes
unsigned activations) and int8 activations take a far slower path; the arithmetic is the same up
to a +128 offset of input and zero point."""
import time

import numpy as np

INPUT_ZERO_POINT, OUTPUT_ZERO_POINT = 3, -5


def _activation_types(signed):
    """numpy type, ONNX element type, zero-point offset."""
    from onnx import TensorProto
    return (np.int8, TensorProto.INT8, 0) if signed else (np.uint8, TensorProto.UINT8, 128)


def _activations(rng, shape, signed):
    low, high = (-127, 128) if signed else (0, 256)
    return rng.integers(low, high, size=shape).astype(np.int8 if signed else np.uint8)


def _model(op, inputs, initializers, in_shape, out_shape, copies, signed):
    from onnx import helper
    _, element, _ = _activation_types(signed)
    nodes = [helper.make_node(op["type"], inputs, [f"y{i}"], **op.get("attributes", {}))
             for i in range(copies)]
    outputs = [helper.make_tensor_value_info(f"y{i}", element, out_shape) for i in range(copies)]
    graph = helper.make_graph(nodes, op["type"], [helper.make_tensor_value_info(
        inputs[0], element, in_shape)], outputs, initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def _constant(name, value, dtype):
    from onnx import numpy_helper
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def qlinear_conv(layer, copies, rng, signed):
    """NCHW QLinearConv with per-channel weight scales and an int32 bias."""
    L = layer
    x_type, _, offset = _activation_types(signed)
    pad = L["pad"]
    inits = [
        _constant("w", rng.integers(-127, 128, (L["out_c"], L["in_c"], L["kernel"], L["kernel"])),
                  np.int8),
        _constant("x_scale", 0.05, np.float32),
        _constant("x_zp", INPUT_ZERO_POINT + offset, x_type),
        _constant("w_scale", 0.0004 + 0.00001 * (np.arange(L["out_c"]) % 7), np.float32),
        _constant("w_zp", np.zeros(L["out_c"]), np.int8),
        _constant("y_scale", 1.0, np.float32),
        _constant("y_zp", OUTPUT_ZERO_POINT + offset, x_type),
        _constant("bias", np.full(L["out_c"], 100), np.int32),
    ]
    op = dict(type="QLinearConv", attributes=dict(kernel_shape=[L["kernel"]] * 2,
                                                  strides=[L["stride"]] * 2, pads=[pad] * 4))
    in_shape = [1, L["in_c"], L["h"], L["w"]]
    model = _model(op, ["x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp", "bias"],
                   inits, in_shape, [1, L["out_c"], L["out_h"], L["out_w"]], copies, signed)
    return model, _activations(rng, in_shape, signed)


def qlinear_matmul(layer, copies, rng, signed):
    """QLinearMatMul on the [pixels, K] matrix of a 1x1 layer (no layout question, no bias)."""
    L = layer
    x_type, _, offset = _activation_types(signed)
    rows, k, n = L["out_h"] * L["out_w"], L["in_c"], L["out_c"]
    inits = [
        _constant("b", rng.integers(-127, 128, (k, n)), np.int8),
        _constant("a_scale", 0.05, np.float32),
        _constant("a_zp", INPUT_ZERO_POINT + offset, x_type),
        _constant("b_scale", 0.0004, np.float32), _constant("b_zp", 0, np.int8),
        _constant("y_scale", 1.0, np.float32),
        _constant("y_zp", OUTPUT_ZERO_POINT + offset, x_type),
    ]
    model = _model(dict(type="QLinearMatMul"),
                   ["a", "a_scale", "a_zp", "b", "b_scale", "b_zp", "y_scale", "y_zp"], inits,
                   [rows, k], [rows, n], copies, signed)
    return model, _activations(rng, (rows, k), signed)


def forms(layer, copies, rng, int8_activations):
    """{form name: (model, input)} for one layer."""
    result = {}
    for signed in (False, True) if int8_activations else (False,):
        tag = "s8" if signed else "u8"
        result[f"QLinearConv {tag}"] = qlinear_conv(layer, copies, rng, signed)
        if layer["kernel"] == 1 and layer["stride"] == 1:
            result[f"QLinearMatMul {tag}"] = qlinear_matmul(layer, copies, rng, signed)
    return result


def cpu_seconds_per_layer(model, feed, copies, min_time):
    """Single-threaded, sequential CPU provider; CPU time of the calling thread (ORT runs on it),
    so other jobs on the machine do not inflate it: the best of batches of 5 runs, until
    min_time seconds are spent."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    inputs = {session.get_inputs()[0].name: feed}
    for _ in range(3):
        session.run(None, inputs)
    best, spent = float("inf"), 0.0
    while spent < min_time or best == float("inf"):
        start = time.thread_time()
        for _ in range(5):
            session.run(None, inputs)
        elapsed = time.thread_time() - start
        spent += elapsed
        best = min(best, elapsed / (5 * copies))
    return best
