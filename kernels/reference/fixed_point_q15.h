// gemmlowp-style Q-format arithmetic on raw int16 values, as TFLite's integer
// LSTM uses it for its gate activations (tensor_utils::ApplySigmoid/ApplyTanh
// over gemmlowp::FixedPoint<int16_t, I>). A value with I integer bits has
// raw = real * 2^(15 - I). Sums wrap like int16 arithmetic, products round
// and saturate like gemmlowp's int16 SaturatingRoundingDoublingHighMul.
// The int32 twin (qs8_logistic_fixedpoint.h) cannot be reused: int16
// products round at another bit and the constants are rounded to 16 bits.
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {
namespace q15 {

// 1 / (1 + exp(-a)) for a in Q(integer_bits), 0 <= integer_bits <= 12; Q0.15 result.
int16_t logistic(int16_t a, int integer_bits);
// tanh(a) for a in Q(integer_bits), 0 <= integer_bits <= 12; Q0.15 result.
int16_t tanh(int16_t a, int integer_bits);

}  // namespace q15
}  // namespace ref
}  // namespace lowbit
