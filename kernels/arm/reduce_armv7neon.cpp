// 32-bit ARM's REDUCE_MAX / REDUCE_MIN bytes (kernels/arm/reduce_neon.h;
// built with -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/reduce_neon.h"

LOWBIT_DEFINE_REDUCE_NEON(armv7neon)
