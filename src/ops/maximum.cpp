// MAXIMUM: a > b ? a : b with NumPy broadcasting (TFLite's maximum_minimum.cc),
// sharing MINIMUM's code (math_elementwise_util.h).
#include "ops/math_elementwise_util.h"

namespace lowbit {

LOWBIT_REGISTER_OP(Maximum, validate_maximum_minimum, create_maximum_minimum)

}  // namespace lowbit
