// 32-bit ARM's int8 matrix-vector product and row dot products
// (kernels/arm/qs8_matvec_neon.h; built with -mfpu=neon, selected only when
// NEON is detected).
#include "kernels/arm/qs8_matvec_neon.h"

LOWBIT_DEFINE_QS8_MATVEC_NEON(armv7neon)
