// SUB: a - b with NumPy broadcasting and a fused activation, in int8, uint8
// and float32. TFLite's quantized SUB is its ADD with input b's multiplier
// negated (sub.cc), so SUB runs ADD's code (add.cpp) and kernels
// (kernels/reference/qs8_elementwise.h).
#include "ops/add_elementwise_util.h"

namespace lowbit {

LOWBIT_REGISTER_OP(Sub, validate_add_or_sub, create_add_or_sub)

}  // namespace lowbit
