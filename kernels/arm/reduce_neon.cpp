// aarch64's REDUCE_MAX / REDUCE_MIN bytes (kernels/arm/reduce_neon.h).
#include "kernels/arm/reduce_neon.h"

LOWBIT_DEFINE_REDUCE_NEON(neon)
