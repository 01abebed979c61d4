"""Float32 and hybrid LSTM models written field by field (tflite_builder.py), for lstm_cases.py:
UNIDIRECTIONAL_SEQUENCE_LSTM with int8 weights (TFLite's hybrid LSTM) and
BIDIRECTIONAL_SEQUENCE_LSTM (TensorFlow's converter writes Keras's Bidirectional as two
unidirectional operators, so this operator exists only in hand-written or legacy models), float32
or hybrid, with CIFG, peephole and projection variants, time- or batch-major, merged outputs or
two. States are variable tensors."""
import numpy as np

from recurrent_models import StateModel
from tflite_builder import OPERATORS

_LSTM_OPTIONS = [("activation", "Int8"), ("cell_clip", "Float32"), ("proj_clip", "Float32")]
OPERATORS.update({
    "UNIDIRECTIONAL_SEQUENCE_LSTM": (44, 71, _LSTM_OPTIONS + [
        ("time_major", "Bool"), ("asymmetric_quantize_inputs", "Bool")]),
    # BidirectionalSequenceLSTMOptions: time_major's schema default is true.
    "BIDIRECTIONAL_SEQUENCE_LSTM": (52, 69, _LSTM_OPTIONS + [
        ("merge_outputs", "Bool"), ("time_major", "Bool"), ("asymmetric_quantize_inputs", "Bool")]),
})
TANH = 4


def _weights(m, name, shape, rng, spread, hybrid):
    """Float weights, or int8 ones with a per-tensor symmetric scale (TFLite's hybrid form)."""
    values = rng.uniform(-spread, spread, shape).astype(np.float32)
    if not hybrid:
        return m.tensor(name, shape, np.float32, data=values)
    scale = float(np.abs(values).max() / 127)
    return m.tensor(name, shape, np.int8, [scale], [0],
                    data=np.clip(np.round(values / scale), -127, 127).astype(np.int8))


def add_cell(m, rng, prefix, n_input, batch, cell):
    """One cell's 17 operands (TFLite's order: input weights 4, recurrent weights 4, peephole 3,
    biases 4, projection weights and bias) and its two states; -1 for absent ones. cell: dict of
    units, hybrid, cifg, peephole, projection (0: none), layer_norm."""
    units, hybrid = cell["units"], cell["hybrid"]
    outputs = cell.get("projection") or units
    ops = [-1] * 17
    for g in range(4):
        if g == 0 and cell.get("cifg"):
            continue
        ops[g] = _weights(m, f"{prefix}w_in{g}", [units, n_input], rng, 1 / np.sqrt(n_input), hybrid)
        ops[4 + g] = _weights(m, f"{prefix}w_rec{g}", [units, outputs], rng, 0.8 / np.sqrt(outputs),
                              hybrid)
        ops[11 + g] = m.tensor(f"{prefix}bias{g}", [units], np.float32,
                               data=rng.uniform(-0.5, 0.5, units).astype(np.float32))
    for k in range(3):
        if cell.get("peephole") and not (k == 0 and cell.get("cifg")):
            ops[8 + k] = _weights(m, f"{prefix}peephole{k}", [units], rng, 0.5, hybrid)
    if cell.get("projection"):
        ops[15] = _weights(m, f"{prefix}projection", [outputs, units], rng, 1 / np.sqrt(units), hybrid)
        ops[16] = m.tensor(f"{prefix}projection_bias", [outputs], np.float32,
                           data=rng.uniform(-0.2, 0.2, outputs).astype(np.float32))
    layer_norm = []
    if cell.get("layer_norm"):
        layer_norm = [-1 if g == 0 and cell.get("cifg") else
                      m.tensor(f"{prefix}layer_norm{g}", [units], np.float32,
                               data=rng.uniform(0.5, 1.5, units).astype(np.float32))
                      for g in range(4)]
    states = [m.variable(f"{prefix}output_state", [batch, outputs], np.float32),
              m.variable(f"{prefix}cell_state", [batch, units], np.float32)]
    return ops, states, layer_norm, outputs


def unidirectional_model(path, rng, steps, batch, n_input, time_major, cell, asymmetric=False,
                         cell_clip=0.0, proj_clip=0.0):
    m = StateModel()
    shape = [steps, batch, n_input] if time_major else [batch, steps, n_input]
    x = m.tensor("x", shape, np.float32)
    ops, states, layer_norm, outputs = add_cell(m, rng, "", n_input, batch, cell)
    y = m.tensor("y", shape[:2] + [outputs], np.float32)
    m.operator("UNIDIRECTIONAL_SEQUENCE_LSTM", 1, [x] + ops + states + layer_norm, [y],
               activation=TANH, cell_clip=cell_clip, proj_clip=proj_clip, time_major=time_major,
               asymmetric_quantize_inputs=asymmetric)
    with open(path, "wb") as f:
        f.write(m.serialize([x], [y]))


def bidirectional_model(path, rng, steps, batch, n_input, time_major, merge, forward, backward,
                        asymmetric=False, cell_clip=0.0, proj_clip=0.0):
    m = StateModel()
    shape = [steps, batch, n_input] if time_major else [batch, steps, n_input]
    x = m.tensor("x", shape, np.float32)
    fw_ops, fw_states, _, fw_out = add_cell(m, rng, "fw/", n_input, batch, forward)
    bw_ops, bw_states, _, bw_out = add_cell(m, rng, "bw/", n_input, batch, backward)
    if merge:
        outs = [m.tensor("y", shape[:2] + [fw_out + bw_out], np.float32)]
    else:
        outs = [m.tensor("y_fw", shape[:2] + [fw_out], np.float32),
                m.tensor("y_bw", shape[:2] + [bw_out], np.float32)]
    inputs = [x] + fw_ops + bw_ops + fw_states + bw_states + [-1] * 9  # no auxiliary input
    m.operator("BIDIRECTIONAL_SEQUENCE_LSTM", 1, inputs, outs, activation=TANH,
               cell_clip=cell_clip, proj_clip=proj_clip, merge_outputs=merge,
               time_major=time_major, asymmetric_quantize_inputs=asymmetric)
    with open(path, "wb") as f:
        f.write(m.serialize([x], outs))
