// 32-bit ARM's TRANSPOSE_CONV (kernels/arm/transpose_conv_neon.h; built with
// -mfpu=neon, selected only when NEON is detected): GEMM tiles of 2 pixels x
// 16 columns, the 8 quad registers of sums that fit beside the weights in
// its 16.
#include "kernels/arm/transpose_conv_neon.h"

LOWBIT_DEFINE_TRANSPOSE_CONV_NEON(armv7neon, 2)
