// 16x8 GEMM (TFLite's int16 activations x int8 weights): exact int64 sums
//
//   acc[m * nc + n] = sum over k' < k of a_rows[m][k'] * weights[n * k + k']
//
// for m < mr, n < nc. A rows are k int16 values read through row pointers
// (convolution points them at pixels or at an im2col row); the weights are
// the model's own int8 [nc][k] rows (OHWI flattened), so nothing is packed.
// Bias, rescale and clamp follow in kernels/reference/qs16_conv.h.
//
// SIMD variants multiply-add int16 pairs into int32 lanes (x86 VPMADDWD or
// VPDPWSSD, ARM SMLAL) and widen to int64 every kQs16Int32Block values of k:
// |a * w| <= 2^15 * 2^7 = 2^22, and a lane takes at most 2 products per
// vector step, 2048 / 16 steps (AVX2) or fewer, so at most 256 products,
// |sum| <= 2^30 < 2^31. Every variant equals the reference bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"

namespace lowbit {

using Qs16GemmSignature = void(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                               const int8_t* weights, int64_t* acc);
using Qs16GemmFn = Qs16GemmSignature*;

// Values of k summed in int32 lanes before widening to int64 (see above).
constexpr size_t kQs16Int32Block = 2048;

namespace ref {
Qs16GemmSignature qs16_gemm__reference;
}  // namespace ref

// x86-64 (kernels/x86/): VPMADDWD (AVX2, AVX-512), VPDPWSSD (AVX512-VNNI).
Qs16GemmSignature qs16_gemm__avx2, qs16_gemm__avx512, qs16_gemm__avx512vnni;
// ARM (kernels/arm/): SMLAL (aarch64), VMLAL.S16 (32-bit ARM NEON).
Qs16GemmSignature qs16_gemm__neon, qs16_gemm__armv7neon;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs16_gemm_config.cpp).
KernelFamily<Qs16GemmFn> qs16_gemm_variants();

}  // namespace lowbit
