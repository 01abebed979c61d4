// 32-bit ARM's CAST conversions (kernels/arm/cast_neon.h; built with
// -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/cast_neon.h"

LOWBIT_DEFINE_CAST_NEON(armv7neon)
