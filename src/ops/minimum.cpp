// MINIMUM: a < b ? a : b with NumPy broadcasting (TFLite's maximum_minimum.cc),
// sharing MAXIMUM's code (math_elementwise_util.h).
#include "ops/math_elementwise_util.h"

namespace lowbit {

LOWBIT_REGISTER_OP(Minimum, validate_maximum_minimum, create_maximum_minimum)

}  // namespace lowbit
