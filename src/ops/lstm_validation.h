// Validation of one LSTM cell's operands (weights, biases, peephole and
// projection, the two state tensors), shared by UNIDIRECTIONAL_SEQUENCE_LSTM
// and both cells of BIDIRECTIONAL_SEQUENCE_LSTM.
#pragma once

#include "lowbit/graph.h"
#include "lowbit/status.h"
#include "ops/lstm_operands.h"

namespace lowbit {

// The element types of the three LSTM forms: weights (matrices), peephole
// and layer-norm weights, biases and the two states.
struct LstmTypes {
  DType weights, peephole, layer_norm, bias, output_state, cell_state;
};
constexpr LstmTypes kIntegerLstm{DType::kInt8,  DType::kInt16, DType::kInt16,
                                 DType::kInt32, DType::kInt8,  DType::kInt16};
constexpr LstmTypes kFloatLstm{DType::kFloat32, DType::kFloat32, DType::kFloat32,
                               DType::kFloat32, DType::kFloat32, DType::kFloat32};
// TFLite's hybrid LSTM: float activations and state, int8 matrices and
// peephole weights (per-tensor scales), float layer-norm weights and biases.
constexpr LstmTypes kHybridLstm{DType::kInt8,    DType::kInt8,    DType::kFloat32,
                                DType::kFloat32, DType::kFloat32, DType::kFloat32};

// The form of a cell from its input and its forget gate's input weights;
// refuses uint8 hybrid weights by name.
Status lstm_types(const GraphDesc& graph, const OperatorDesc& op, const LstmCellOperands& cell,
                  const LstmTypes** types);

bool lstm_input_present(const OperatorDesc& op, size_t i);

// A constant weight tensor of `dtype` and `shape`, per-tensor symmetric when
// quantized.
Status check_lstm_weights(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                          const Shape& shape);

// Checks one cell for an input of n_input features and n_batch sequences:
// required operands present, CIFG and peephole groups, every matrix, bias,
// the projection and both states; gives the cell's n_cell and n_output.
Status check_lstm_cell(const GraphDesc& graph, const OperatorDesc& op, const LstmCellOperands& cell,
                       const LstmTypes& types, int n_input, int n_batch, int* n_cell,
                       int* n_output);

// cell_clip and proj_clip finite and >= 0, and the cell activation TANH.
Status check_lstm_clips_and_activation(int32_t cell_activation, float cell_clip, float proj_clip);

}  // namespace lowbit
