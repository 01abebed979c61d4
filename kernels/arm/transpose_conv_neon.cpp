// aarch64's TRANSPOSE_CONV (kernels/arm/transpose_conv_neon.h): GEMM tiles of
// 5 pixels x 16 columns, 20 of the 32 vector registers holding their sums
// (with 6, GCC 12 spills them).
#include "kernels/arm/transpose_conv_neon.h"

LOWBIT_DEFINE_TRANSPOSE_CONV_NEON(neon, 5)
