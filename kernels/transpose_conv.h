// TRANSPOSE_CONV's kernels (kernels/reference/transpose_conv.h): the int32
// GEMM of input pixels against the pair-interleaved packed weights, every
// variant writing the same int32 columns as the reference, and the gather of
// those columns into requantized outputs.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/transpose_conv.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/transpose_conv_config.cpp).
KernelFamily<ref::Qs8TransposeConvGemmFn> qs8_transpose_conv_gemm_variants();
KernelFamily<ref::Qu8TransposeConvGemmFn> qu8_transpose_conv_gemm_variants();
// The gather, bias and requantization of the columns into outputs.
KernelFamily<ref::Qs8TransposeConvOutputFn> qs8_transpose_conv_output_variants();
KernelFamily<ref::Qu8TransposeConvOutputFn> qu8_transpose_conv_output_variants();

// x86-64 (kernels/x86/transpose_conv_<isa>.cpp):
ref::Qs8TransposeConvGemmSignature qs8_transpose_conv_gemm__avx2, qs8_transpose_conv_gemm__avx512;
ref::Qu8TransposeConvGemmSignature qu8_transpose_conv_gemm__avx2, qu8_transpose_conv_gemm__avx512;
ref::Qs8TransposeConvOutputSignature qs8_transpose_conv_output__avx2,
    qs8_transpose_conv_output__avx512;
ref::Qu8TransposeConvOutputSignature qu8_transpose_conv_output__avx2,
    qu8_transpose_conv_output__avx512;

// ARM (kernels/arm/transpose_conv_<isa>.cpp): aarch64 NEON, 32-bit ARM NEON.
ref::Qs8TransposeConvGemmSignature qs8_transpose_conv_gemm__neon,
    qs8_transpose_conv_gemm__armv7neon;
ref::Qu8TransposeConvGemmSignature qu8_transpose_conv_gemm__neon,
    qu8_transpose_conv_gemm__armv7neon;
ref::Qs8TransposeConvOutputSignature qs8_transpose_conv_output__neon,
    qs8_transpose_conv_output__armv7neon;
ref::Qu8TransposeConvOutputSignature qu8_transpose_conv_output__neon,
    qu8_transpose_conv_output__armv7neon;

}  // namespace lowbit
