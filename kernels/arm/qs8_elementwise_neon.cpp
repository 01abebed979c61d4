// aarch64's int8 ADD/SUB and MUL (kernels/arm/qs8_elementwise_neon.h).
#include "kernels/arm/qs8_elementwise_neon.h"

LOWBIT_DEFINE_QS8_ELEMENTWISE_NEON(neon)
