// aarch64's QUANTIZE from float32 and DEQUANTIZE to float32
// (kernels/arm/qs8_quantize_float_neon.h).
#include "kernels/arm/qs8_quantize_float_neon.h"

LOWBIT_DEFINE_QUANTIZE_FLOAT_NEON(neon)
