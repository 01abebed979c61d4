// 32-bit ARM's PRELU and SQUARED_DIFFERENCE (kernels/arm/qs8_math_binary_neon.h;
// built with -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/qs8_math_binary_neon.h"

LOWBIT_DEFINE_QS8_MATH_BINARY_NEON(armv7neon)
