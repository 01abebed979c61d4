// The kernel of the fully-integer int8 UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite's
// quantization parameters (effective scales and zero-point-folded biases)
// computed once at prepare, then ref::integer_lstm_step over the sequence.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

// TFLite's ActivationFunctionType code of TANH, the only cell activation the
// integer LSTM has.
constexpr int32_t kLstmActivationTanh = 4;

// The exponent k of a cell-state scale 2^k, as TFLite's CheckedLog2 reads it;
// false unless the scale is a power of two with -15 <= k <= -9 (the range
// TFLite's int16 tanh handles).
bool lstm_cell_scale_log2(float scale, int* log2);

std::unique_ptr<OpKernel> make_lstm_integer_kernel();

}  // namespace lowbit
