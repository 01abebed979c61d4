// Operand positions of TFLite's LSTM operators (UNIDIRECTIONAL_SEQUENCE_LSTM
// and BIDIRECTIONAL_SEQUENCE_LSTM keep them in lowbit), shared by the
// operators' validation and their kernels.
#pragma once

#include <cstddef>

namespace lowbit {
namespace lstm {

constexpr size_t kInput = 0;
// Gate g (ref::LstmGate order: input, forget, cell, output) has its input
// weights at kInputWeights + g, recurrent weights at kRecurrentWeights + g and
// bias at kGateBias + g.
constexpr size_t kInputWeights = 1;
constexpr size_t kRecurrentWeights = 5;
constexpr size_t kPeepholeWeights = 9;  // input, forget, output: 9, 10, 11
constexpr size_t kGateBias = 12;
constexpr size_t kProjectionWeights = 16;
constexpr size_t kProjectionBias = 17;
constexpr size_t kOutputState = 18;
constexpr size_t kCellState = 19;
constexpr size_t kLayerNormWeights = 20;  // input, forget, cell, output: 20..23
constexpr size_t kInputsWithoutLayerNorm = 20;
constexpr size_t kInputsWithLayerNorm = 24;

// BIDIRECTIONAL_SEQUENCE_LSTM's 48 inputs: the input, the forward cell's
// weights at 1-17 as above, the backward cell's at 18-34 in the same order,
// the four states at 35-38, the auxiliary input and its weights at 39-47.
constexpr size_t kBidirectionalInputs = 48;
constexpr size_t kBackwardOffset = 17;  // backward operand = forward one + 17
constexpr size_t kAuxInput = 39;        // 40-47: the auxiliary input's weights

}  // namespace lstm

// Where one cell's operands are. Gate g's input weights are at
// input_weights + g, recurrent weights at recurrent_weights + g, bias at
// gate_bias + g (ref::LstmGate order); the peephole weights of the input,
// forget and output gates at peephole_weights + 0, 1, 2.
struct LstmCellOperands {
  size_t input_weights, recurrent_weights, peephole_weights, gate_bias;
  size_t projection_weights, projection_bias, output_state, cell_state;
  size_t layer_norm_weights;  // kNoLayerNorm: the operator has none
};
constexpr size_t kNoLayerNorm = ~size_t{0};
constexpr LstmCellOperands kUnidirectionalLstmCell{1, 5, 9, 12, 16, 17, 18, 19, 20};
constexpr LstmCellOperands kForwardLstmCell{1, 5, 9, 12, 16, 17, 35, 36, kNoLayerNorm};
constexpr LstmCellOperands kBackwardLstmCell{18, 22, 26, 29, 33, 34, 37, 38, kNoLayerNorm};
}  // namespace lowbit
