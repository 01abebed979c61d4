// 16x8 depthwise taps (TFLite's int16 activations x int8 weights, depth
// multiplier 1): exact int64 sums per channel,
//
//   acc[c] = sum over t < taps of rows[t][c] * weights[t * weights_stride + c]
//
// for c < channels; rows[t] == nullptr is a tap outside the image (skipped).
// DEPTHWISE_CONV_2D points rows at the input pixels under one output's window
// and then adds the bias and rescales (kernels/reference/qs16_conv.h).
//
// SIMD variants multiply channel-wise into int32 lanes and widen to int64
// every kQs16DwconvInt32Taps taps: a lane takes one product (|.| <= 2^22) per
// tap, so 256 taps stay within 2^30.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"

namespace lowbit {

using Qs16DwconvSignature = void(size_t channels, size_t taps, const int16_t* const* rows,
                                 const int8_t* weights, size_t weights_stride, int64_t* acc);
using Qs16DwconvFn = Qs16DwconvSignature*;

constexpr size_t kQs16DwconvInt32Taps = 256;

// Channel c's sum, in scalar int64: the reference and the SIMD channel tails.
inline int64_t qs16_dwconv_channel(size_t c, size_t taps, const int16_t* const* rows,
                                   const int8_t* weights, size_t weights_stride) {
  int64_t sum = 0;
  for (size_t t = 0; t < taps; ++t) {
    if (rows[t] != nullptr) sum += int64_t{rows[t][c]} * weights[t * weights_stride + c];
  }
  return sum;
}

namespace ref {
Qs16DwconvSignature qs16_dwconv__reference;
}  // namespace ref

// x86-64 (kernels/x86/): VPMULLD of sign-extended lanes (AVX-512 CPUs run
// it too); ARM (kernels/arm/): SMLAL / VMLAL.S16.
Qs16DwconvSignature qs16_dwconv__avx2, qs16_dwconv__neon, qs16_dwconv__armv7neon;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs16_dwconv_config.cpp).
KernelFamily<Qs16DwconvFn> qs16_dwconv_variants();

}  // namespace lowbit
