// aarch64's CAST conversions (kernels/arm/cast_neon.h).
#include "kernels/arm/cast_neon.h"

LOWBIT_DEFINE_CAST_NEON(neon)
