// Every int16 input's q15::logistic or q15::tanh at one Q format, tabulated
// once per process: the integer LSTM's gate and cell activations cost a
// lookup instead of gemmlowp's exp and Newton-Raphson reciprocal (about 70%
// of the step computed directly). Bit-exact by construction.
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {

enum class Q15Activation { kLogistic, kTanh };

// The 65536 outputs, indexed by the input's bits as uint16; built on first
// use (thread-safe), then shared. integer_bits in 0..12 as q15's; 128 KiB each.
const int16_t* q15_activation_table(Q15Activation activation, int integer_bits);

}  // namespace ref
}  // namespace lowbit
