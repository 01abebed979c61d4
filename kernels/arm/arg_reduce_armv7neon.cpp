// 32-bit ARM's ARG_MAX / ARG_MIN bytes (kernels/arm/arg_reduce_neon.h; built
// with -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/arg_reduce_neon.h"

LOWBIT_DEFINE_ARG_REDUCE_NEON(armv7neon)
