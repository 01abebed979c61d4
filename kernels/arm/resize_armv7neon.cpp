// 32-bit ARM's RESIZE_BILINEAR for int8 and uint8 (kernels/arm/resize_neon.h;
// built with -mfpu=neon, selected only when NEON is detected).
#include "kernels/arm/resize_neon.h"

LOWBIT_DEFINE_RESIZE_BILINEAR_NEON(armv7neon)
