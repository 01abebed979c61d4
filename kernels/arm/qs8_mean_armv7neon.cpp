// 32-bit ARM's uint8 MEAN and SUM (kernels/arm/qs8_mean_neon.h; built with
// -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/qs8_mean_neon.h"

LOWBIT_DEFINE_QU8_MEAN_NEON(armv7neon)
