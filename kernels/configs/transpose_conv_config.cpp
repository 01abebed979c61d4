// TRANSPOSE_CONV's variants (kernels/transpose_conv.h): the GEMM with
// AVX-512 and AVX2 multiply-adds of int16 pairs or NEON's multiply-accumulate
// by lane (aarch64 and 32-bit ARM), the gather with each; each SIMD row only
// where its ISA's files are compiled (LOWBIT_HAVE_<ISA>).
#include "kernels/transpose_conv.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8TransposeConvGemmFn, qs8_transpose_conv_gemm, AVX512, AVX2, NEON,
                     ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qu8TransposeConvGemmFn, qu8_transpose_conv_gemm, AVX512, AVX2, NEON,
                     ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs8TransposeConvOutputFn, qs8_transpose_conv_output, AVX512, AVX2, NEON,
                     ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qu8TransposeConvOutputFn, qu8_transpose_conv_output, AVX512, AVX2, NEON,
                     ARMV7NEON)

}  // namespace lowbit
