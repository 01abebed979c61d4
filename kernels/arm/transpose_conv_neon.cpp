// aarch64's TRANSPOSE_CONV (kernels/arm/transpose_conv_neon.h): GEMM tiles of
// 4 pixels x 16 columns (with 6, GCC 12 spills the sums).
#include "kernels/arm/transpose_conv_neon.h"

LOWBIT_DEFINE_TRANSPOSE_CONV_NEON(neon, 4)
