// aarch64's PRELU and SQUARED_DIFFERENCE (kernels/arm/qs8_math_binary_neon.h).
#include "kernels/arm/qs8_math_binary_neon.h"

LOWBIT_DEFINE_QS8_MATH_BINARY_NEON(neon)
