// The kernel of the float32 UNIDIRECTIONAL_SEQUENCE_LSTM: ref::float_lstm_step
// over the sequence (src/ops/lstm_sequence.h).
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

std::unique_ptr<OpKernel> make_lstm_float_kernel();

}  // namespace lowbit
