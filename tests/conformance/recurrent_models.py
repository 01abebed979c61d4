"""The generated SVDF and UNIDIRECTIONAL_SEQUENCE_RNN models of svdf_rnn_cases.py (and of the fuzz
seeds, fuzz/make_tflite_op_seeds.py), written with tflite_builder.py with their state as a
variable tensor, and the int8 core of the zoo's keyword_scrambled_8bit."""
import os
import tempfile

import numpy as np

from tflite_builder import OPERATORS, TENSOR_TYPES, TFLiteModel

OPERATORS.update({
    "SVDF": (27, 6, [("rank", "Int32"), ("activation", "Int8"),
                     ("asymmetric_quantize_inputs", "Bool")]),
    "UNIDIRECTIONAL_SEQUENCE_RNN": (35, 31, [("time_major", "Bool"), ("activation", "Int8"),
                                             ("asymmetric_quantize_inputs", "Bool")]),
})
TENSOR_TYPES[np.dtype(np.int16)] = 7
NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT = 0, 1, 2, 3, 4, 5

# (batch, inputs, units, rank, memory, activation, bias)
SVDF_FLOAT = [(1, 10, 4, 1, 5, NONE, True), (2, 7, 3, 2, 4, RELU, True),
              (1, 16, 8, 3, 10, RELU6, False), (3, 5, 2, 1, 1, TANH, True),
              (1, 33, 5, 2, 7, SIGN_BIT, True), (2, 12, 6, 3, 3, RELU_N1_TO_1, True)]
# (batch, inputs, units, rank, memory, bias, state dtype)
SVDF_INT8 = [(1, 10, 4, 1, 5, True, np.int16), (2, 24, 8, 2, 8, True, np.int16),
             (1, 96, 16, 3, 10, False, np.int16), (3, 7, 3, 1, 1, True, np.int16),
             (1, 10, 4, 1, 5, True, np.int8), (2, 32, 8, 2, 8, True, np.int8),
             (1, 64, 12, 3, 16, True, np.int8)]
# Hybrid (float activations, int8 weights): (batch, inputs, units, rank, memory, activation,
# asymmetric inputs) for SVDF, (batch, steps, inputs, units, time_major, activation, asymmetric)
# for the RNN.
SVDF_HYBRID = [(1, 10, 4, 1, 5, RELU, False), (2, 12, 3, 2, 4, NONE, True),
               (1, 33, 5, 3, 7, RELU6, False)]
RNN_HYBRID = [(1, 4, 6, 8, False, TANH, False), (2, 3, 5, 4, True, RELU, True),
              (3, 2, 9, 5, False, NONE, True)]
# (batch, steps, inputs, units, time_major, activation)
RNN_FLOAT = [(1, 5, 4, 8, False, TANH), (2, 3, 6, 5, False, RELU), (3, 4, 5, 7, True, TANH),
             (1, 1, 9, 3, True, SIGN_BIT), (2, 6, 3, 4, True, NONE), (4, 2, 8, 16, False, RELU6)]


class StateModel(TFLiteModel):
    """TFLiteModel with variable (state) tensors: Tensor.is_variable (field 5) set."""

    def __init__(self):
        super().__init__()
        self.variables = set()

    def variable(self, name, shape, dtype, scales=None, zero_points=None):
        self.variables.add(name)
        return self.tensor(name, shape, dtype, scales, zero_points)

    def _tensor(self, b, name, shape, type_id, buffer, scales, zero_points, axis):
        if name not in self.variables:
            return super()._tensor(b, name, shape, type_id, buffer, scales, zero_points, axis)
        # The base writes fields 0-4; rebuild with field 5 after them.
        quantization = None
        if scales is not None:
            scale = b.CreateNumpyVector(np.asarray(scales, np.float32))
            zero_point = b.CreateNumpyVector(np.asarray(zero_points, np.int64))
            b.StartObject(7)
            b.PrependUOffsetTRelativeSlot(2, scale, 0)
            b.PrependUOffsetTRelativeSlot(3, zero_point, 0)
            quantization = b.EndObject()
        shape_vector = b.CreateNumpyVector(np.asarray(shape, np.int32))
        name_string = b.CreateString(name)
        b.StartObject(6)
        b.PrependUOffsetTRelativeSlot(0, shape_vector, 0)
        b.PrependInt8Slot(1, type_id, 0)
        b.PrependUint32Slot(2, buffer, 0)
        b.PrependUOffsetTRelativeSlot(3, name_string, 0)
        if quantization is not None:
            b.PrependUOffsetTRelativeSlot(4, quantization, 0)
        b.PrependBoolSlot(5, True, False)
        return b.EndObject()


def weights(m, name, shape, rng, spread, hybrid):
    """Float weights, or (hybrid) int8 ones with a per-tensor symmetric scale."""
    if not hybrid:
        return m.tensor(name, shape, np.float32, data=rng.normal(0, spread, shape).astype(np.float32))
    scale = float(3 * spread / 127)
    return m.tensor(name, shape, np.int8, [scale], [0],
                    data=np.clip(np.round(rng.normal(0, spread, shape) / scale), -127, 127).astype(np.int8))


def svdf_float_model(path, rng, batch, inputs, units, rank, memory, activation, bias,
                     hybrid=False, asymmetric=False):
    filters = units * rank
    m = StateModel()
    x = m.tensor("x", [batch, inputs], np.float32)
    wf = weights(m, "weights_feature", [filters, inputs], rng, 1 / np.sqrt(inputs), hybrid)
    wt = weights(m, "weights_time", [filters, memory], rng, 1 / np.sqrt(memory), hybrid)
    b = m.tensor("bias", [units], np.float32,
                 data=rng.normal(0, 0.3, units).astype(np.float32)) if bias else -1
    state = m.variable("state", [batch, memory * filters], np.float32)
    y = m.tensor("y", [batch, units], np.float32)
    m.operator("SVDF", 1, [x, wf, wt, b, state], [y], rank=rank, activation=activation,
               asymmetric_quantize_inputs=asymmetric)
    with open(path, "wb") as f:
        f.write(m.serialize([x], [y]))


def svdf_hybrid_model(path, rng, batch, inputs, units, rank, memory, activation, asymmetric):
    svdf_float_model(path, rng, batch, inputs, units, rank, memory, activation, True, True,
                     asymmetric)


def svdf_int8_model(path, rng, batch, inputs, units, rank, memory, bias, state_dtype):
    """TFLite's int16-state form (LiteRT runs it when the activation is RELU) or TFLite Micro's
    int8 state with a zero point. Scales keep the feature and time products mostly in range."""
    filters = units * rank
    info = np.iinfo(state_dtype)
    in_scale, in_zp = float(rng.uniform(0.01, 0.05)), int(rng.integers(-20, 20))
    wf_scale, wt_scale = float(rng.uniform(0.002, 0.01)), float(rng.uniform(0.002, 0.01))
    # The feature product spans about in*wf*128*128*sqrt(inputs); the state holds it with room.
    feature_span = in_scale * wf_scale * 128 * 128 * np.sqrt(inputs) / 2
    state_scale = float(feature_span / (info.max / 4))
    state_zp = int(rng.integers(-30, 30)) if state_dtype == np.int8 else 0
    time_span = state_scale * (info.max / 4) * wt_scale * (np.iinfo(state_dtype).max / 2) * \
        np.sqrt(memory * rank)
    out_scale = float(time_span / (60 if state_dtype == np.int16 else 15))
    out_zp = int(rng.integers(-10, 10))
    wt_limit = info.max
    m = StateModel()
    x = m.tensor("x", [batch, inputs], np.int8, [in_scale], [in_zp])
    wf = m.tensor("weights_feature", [filters, inputs], np.int8, [wf_scale], [0],
                  data=rng.integers(-127, 128, (filters, inputs)).astype(np.int8))
    wt = m.tensor("weights_time", [filters, memory], state_dtype, [wt_scale], [0],
                  data=rng.integers(-wt_limit, wt_limit + 1, (filters, memory)).astype(state_dtype))
    b = m.tensor("bias", [units], np.int32, [state_scale * wt_scale], [0],
                 data=rng.integers(-20000, 20000, units).astype(np.int32)) if bias else -1
    state = m.variable("state", [batch, memory * filters], state_dtype, [state_scale], [state_zp])
    y = m.tensor("y", [batch, units], np.int8, [out_scale], [out_zp])
    # TFLite's integer SVDF insists on RELU and applies none (the output range carries it).
    m.operator("SVDF", 1, [x, wf, wt, b, state], [y], rank=rank, activation=RELU)
    with open(path, "wb") as f:
        f.write(m.serialize([x], [y]))


def rnn_float_model(path, rng, batch, steps, inputs, units, time_major, activation, hybrid=False,
                    asymmetric=False):
    m = StateModel()
    shape = [steps, batch, inputs] if time_major else [batch, steps, inputs]
    x = m.tensor("x", shape, np.float32)
    w = weights(m, "input_weights", [units, inputs], rng, 1 / np.sqrt(inputs), hybrid)
    r = weights(m, "recurrent_weights", [units, units], rng, 0.7 / np.sqrt(units), hybrid)
    b = m.tensor("bias", [units], np.float32, data=rng.normal(0, 0.2, units).astype(np.float32))
    h = m.variable("hidden_state", [batch, units], np.float32)
    y = m.tensor("y", shape[:2] + [units], np.float32)
    m.operator("UNIDIRECTIONAL_SEQUENCE_RNN", 1, [x, w, r, b, h], [y], time_major=time_major,
               activation=activation, asymmetric_quantize_inputs=asymmetric)
    with open(path, "wb") as f:
        f.write(m.serialize([x], [y]))


def rnn_hybrid_model(path, rng, batch, steps, inputs, units, time_major, activation, asymmetric):
    rnn_float_model(path, rng, batch, steps, inputs, units, time_major, activation, True, asymmetric)


def kws_core(path, out_path):
    """keyword_scrambled's int8 part: the graph starts at the first QUANTIZE's int8 output and
    ends with every SVDF output and the last FULLY_CONNECTED (before the int16 SOFTMAX)."""
    from tensorflow.lite.python import schema_py_generated as schema
    with open(path, "rb") as f:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(f.read(), 0))
    graph = model.subgraphs[0]
    codes = [model.operatorCodes[op.opcodeIndex] for op in graph.operators]
    kept = [op for op, code in zip(graph.operators, codes)
            if max(code.builtinCode, code.deprecatedBuiltinCode) in (27, 9)]
    graph.inputs = np.array([kept[0].inputs[0]], dtype=np.int32)
    svdf_outputs = [int(op.outputs[0]) for op, code in zip(graph.operators, codes)
                    if max(code.builtinCode, code.deprecatedBuiltinCode) == 27]
    graph.outputs = np.array(svdf_outputs + [int(kept[-1].outputs[0])], dtype=np.int32)
    graph.operators = kept
    import flatbuffers
    b = flatbuffers.Builder(1 << 20)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    with open(out_path, "wb") as f:
        f.write(bytes(b.Output()))


def generated_cases():
    """(name, model writer, its configuration, oracle) of every generated model."""
    cases = []
    for c in SVDF_FLOAT:
        cases.append((f"svdf f32 b={c[0]} in={c[1]} units={c[2]} rank={c[3]} mem={c[4]} "
                      f"act={c[5]}{'' if c[6] else ' no-bias'}", svdf_float_model, c, "litert"))
    for c in SVDF_INT8:
        state = "s16" if c[6] == np.int16 else "s8"
        cases.append((f"svdf int8 {state} b={c[0]} in={c[1]} units={c[2]} rank={c[3]} "
                      f"mem={c[4]}{'' if c[5] else ' no-bias'}", svdf_int8_model, c,
                      "litert" if c[6] == np.int16 else "tflm"))
    for c in RNN_FLOAT:
        cases.append((f"rnn f32 b={c[0]} steps={c[1]} in={c[2]} units={c[3]}"
                      f"{' time-major' if c[4] else ''} act={c[5]}", rnn_float_model, c, "litert"))
    for c in SVDF_HYBRID:
        cases.append((f"svdf hybrid b={c[0]} in={c[1]} units={c[2]} rank={c[3]} mem={c[4]} "
                      f"act={c[5]}{' asymmetric' if c[6] else ''}", svdf_hybrid_model, c, "litert"))
    for c in RNN_HYBRID:
        cases.append((f"rnn hybrid b={c[0]} steps={c[1]} in={c[2]} units={c[3]}"
                      f"{' time-major' if c[4] else ''} act={c[5]}{' asymmetric' if c[6] else ''}",
                      rnn_hybrid_model, c, "litert"))
    return cases


def model_bytes(make, config, seed):
    """One generated model's .tflite bytes (fuzz/make_tflite_op_seeds.py)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "model.tflite")
        make(path, np.random.default_rng(seed), *config)
        with open(path, "rb") as f:
            return f.read()
