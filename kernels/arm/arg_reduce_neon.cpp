// aarch64's ARG_MAX / ARG_MIN bytes (kernels/arm/arg_reduce_neon.h).
#include "kernels/arm/arg_reduce_neon.h"

LOWBIT_DEFINE_ARG_REDUCE_NEON(neon)
