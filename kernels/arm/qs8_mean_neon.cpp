// aarch64's uint8 MEAN and SUM (kernels/arm/qs8_mean_neon.h).
#include "kernels/arm/qs8_mean_neon.h"

LOWBIT_DEFINE_QU8_MEAN_NEON(neon)
