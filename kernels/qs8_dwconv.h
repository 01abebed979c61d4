// int8 depthwise convolution microkernels (depth multiplier 1), one output
// pixel per call:
//
//   acc[c] = packed_bias[c] + sum over taps t of in[t][c] * w[t][c]
//   out[c] = clamp(requantize(acc[c], channel c, profile) + output_zero_point)
//
// The operator passes one input pointer per tap (an indirection row): a pixel
// of the input, or a buffer of the input zero point for taps in the padding,
// whose contribution the packed bias (bias - zp * sum_t w[t][c]) cancels.
// Any kernel size and stride/dilation reduce to this form.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qs8_gemm.h"  // Qs8GemmParams: the same requantization

namespace lowbit {

using Qs8DwconvFn = void (*)(size_t channels, size_t taps, const int8_t* const* inputs,
                             const void* packed_w, int8_t* output, const Qs8GemmParams& params);

struct Qs8DwconvKernel {
  Qs8DwconvFn fn;
  uint32_t channel_block;  // packed weights come in blocks of this many channels
};

// Layout: per block of channel_block channels, channel_block int32 packed
// biases, then [taps][channel_block] int8 weights (zeros past `channels`).
size_t qs8_dwconv_packed_bytes(size_t channel_block, size_t channels, size_t taps);
// weights: [taps][channels] (the 1 x KH x KW x C filter); bias int32[channels] or nullptr.
void qs8_dwconv_pack(size_t channel_block, size_t channels, size_t taps, const int8_t* weights,
                     const int32_t* bias, int32_t input_zero_point, void* packed);

void qs8_dwconv_c8__scalar(size_t channels, size_t taps, const int8_t* const* inputs,
                           const void* packed_w, int8_t* output, const Qs8GemmParams& params);
#if defined(__x86_64__)
void qs8_dwconv_c16__avx2(size_t channels, size_t taps, const int8_t* const* inputs,
                          const void* packed_w, int8_t* output, const Qs8GemmParams& params);
void qs8_dwconv_c32__avx512(size_t channels, size_t taps, const int8_t* const* inputs,
                            const void* packed_w, int8_t* output, const Qs8GemmParams& params);
#endif

const KernelVariant<Qs8DwconvKernel>* qs8_dwconv_variants(size_t* count);

}  // namespace lowbit
