// 32-bit ARM's QUANTIZE from float32 and DEQUANTIZE to float32
// (kernels/arm/qs8_quantize_float_neon.h; built with -mfpu=neon, selected only
// when NEON is detected).
#include "kernels/arm/qs8_quantize_float_neon.h"

LOWBIT_DEFINE_QUANTIZE_FLOAT_NEON(armv7neon)
