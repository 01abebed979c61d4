// Operand positions of TFLite's LSTM operators (UNIDIRECTIONAL_SEQUENCE_LSTM
// keeps them in lowbit), shared by the operator's validation and its kernel.
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

}  // namespace lstm
}  // namespace lowbit
