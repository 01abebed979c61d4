// 32-bit ARM's int8 ADD/SUB and MUL (kernels/arm/qs8_elementwise_neon.h;
// built with -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/qs8_elementwise_neon.h"

LOWBIT_DEFINE_QS8_ELEMENTWISE_NEON(armv7neon)
