// int8 depthwise convolution microkernels (depth multiplier 1).
//
//   acc[c] = packed_bias[c] + sum over taps t of in[t][c] * w[t][c]
//   out[c] = clamp(requantize(acc[c], channel c, profile) + output_zero_point)
//
// Two kinds of kernel share this arithmetic:
//
// - Generic (Qs8DwconvFn): one output pixel per call through one input
//   pointer per tap (an indirection row): a pixel of the input, or a buffer of
//   the input zero point for taps in the padding, whose contribution the
//   packed bias (bias - zp * sum_t w[t][c]) cancels. Any kernel size and
//   stride/dilation reduce to this form.
// - Row (Qs8DwconvRowFn): a run of output pixels of one output row for a
//   square K x K kernel, horizontal stride S and dilation 1, fixed per
//   function (3x3 and 5x5, stride 1 and 2). The weights of a channel block
//   stay in registers across the run and each loaded input column serves the
//   K / S outputs that overlap it. Weights are packed by qs8_dwconv_pack_rows
//   as int16 pairs of vertically adjacent taps, so one 16-bit multiply-add
//   (vpmaddwd, vpdpwssd) covers two taps.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qs8_gemm.h"  // Qs8GemmParams: the same requantization

namespace lowbit {

using Qs8DwconvSignature = void(size_t channels, size_t taps, const int8_t* const* inputs,
                                const void* packed_w, int8_t* output, const Qs8GemmParams& params);
using Qs8DwconvFn = Qs8DwconvSignature*;

// One call of a row kernel: output pixels 0 .. output_width-1 of one row,
// channels 0 .. channels-1 (a channel tile: output, packed_w and params are
// already offset to the tile's first channel, a multiple of the channel
// block). With a depth multiplier M, output channel c reads input channel
// c / M; rows and zero_row point at input channel first_channel / M.
struct Qs8DwconvRowArgs {
  size_t channels;
  size_t pixel_stride;          // bytes between horizontally adjacent output pixels
  size_t input_stride;          // bytes between horizontally adjacent input pixels
  size_t depth_multiplier;      // M; more than 1 only for kernels with row_multiplier
  size_t first_channel;         // the tile's first output channel
  size_t output_width;
  const int8_t* const* rows;    // K input rows (column 0), or zero_row for rows in the padding
  ptrdiff_t input_x;            // input column of the first output's leftmost tap (may be < 0)
  size_t input_width;           // columns outside [0, input_width) read zero_row instead
  const int8_t* zero_row;       // input zero point, input_width * input_stride bytes
  const void* packed_w;         // qs8_dwconv_pack_rows layout, from the tile's first block
  int8_t* output;               // first output pixel
  const Qs8GemmParams* params;  // per-channel arrays offset to the tile's first channel
  // The requantization terms Qs8DwconvKernel::row_terms computed at prepare,
  // from the tile's first block, or nullptr: the kernel computes them itself.
  const void* row_terms = nullptr;
};
using Qs8DwconvRowSignature = void(const Qs8DwconvRowArgs& args);
using Qs8DwconvRowFn = Qs8DwconvRowSignature*;
// Fills `terms` (row_terms_block_bytes per channel block) with the
// requantization terms the variant's row kernels would otherwise compute per
// call, i.e. per output row and block. A block whose terms cannot be stored
// is marked in place, and the kernels compute its terms per call; false
// where no block's can (then the kernels get no terms).
using Qs8DwconvRowTermsFn = bool (*)(size_t channels, const Qs8GemmParams& params, void* terms);
// The generic kernel with requantization terms a Qs8DwconvRowTermsFn stored
// at prepare (Qs8DwconvKernel::generic_terms), from the call's first block.
using Qs8DwconvTermsSignature = void(size_t channels, size_t taps, const int8_t* const* inputs,
                                     const void* packed_w, int8_t* output,
                                     const Qs8GemmParams& params, const void* terms);
using Qs8DwconvTermsFn = Qs8DwconvTermsSignature*;

struct Qs8DwconvKernel {
  Qs8DwconvFn fn;
  uint32_t channel_block;  // packed weights come in blocks of this many channels
  // Specialised row kernels, nullptr where the variant has none.
  Qs8DwconvRowFn row_3x3s1 = nullptr;
  Qs8DwconvRowFn row_3x3s2 = nullptr;
  Qs8DwconvRowFn row_5x5s1 = nullptr;
  Qs8DwconvRowFn row_5x5s2 = nullptr;
  // The row kernels read input channel c / M themselves (depth multiplier M);
  // otherwise the driver expands the input first.
  bool row_multiplier = false;
  // The portable definition, for the kernel tests: DEPTHWISE_CONV_2D runs its
  // direct reference kernel (the operator's own definition) instead.
  bool portable = false;
  // The row kernels multiply the packed int16 weights as they are (pmaddwd,
  // vpdpwssd), so weights beyond int8 pack exactly with
  // qs8_dwconv_pack_rows_wide (legacy uint8 w - zw in [-255, 255]); the row
  // tester checks such weights on every variant that sets it.
  bool wide_row_weights = false;
  // Optional: the row kernels' per-layer requantization terms.
  Qs8DwconvRowTermsFn row_terms = nullptr;
  uint32_t row_terms_block_bytes = 0;
  // Optional: the generic kernel reading per-layer requantization terms
  // (generic_terms_block_bytes per channel block) that generic_terms fills
  // at prepare; fn runs where generic_terms returns false.
  Qs8DwconvTermsFn fn_terms = nullptr;
  Qs8DwconvRowTermsFn generic_terms = nullptr;
  uint32_t generic_terms_block_bytes = 0;
  // Optional fan-out row kernels: one input channel spread over `channels`
  // outputs (depth multiplier = channels, as converters write a convolution
  // of a one-channel input), 3x3 / 5x5, stride 1 / 2, for the channel counts
  // qs8_dwconv_fanout_supported accepts; weights packed by
  // qs8_dwconv_pack_fanout; the whole channel range in one call.
  Qs8DwconvRowFn fanout_3x3s1 = nullptr;
  Qs8DwconvRowFn fanout_3x3s2 = nullptr;
  Qs8DwconvRowFn fanout_5x5s1 = nullptr;
  Qs8DwconvRowFn fanout_5x5s2 = nullptr;
};

// Offset of the input channel that output channel `block` of the tile reads,
// from the rows' first channel.
inline size_t qs8_dwconv_input_offset(const Qs8DwconvRowArgs& a, size_t block) {
  return (a.first_channel + block) / a.depth_multiplier - a.first_channel / a.depth_multiplier;
}

// The row kernel for a square `kernel` x `kernel` filter with horizontal
// stride `stride` and dilation 1, or nullptr.
Qs8DwconvRowFn qs8_dwconv_row_kernel(const Qs8DwconvKernel& kernel, int kernel_h, int kernel_w,
                                     int stride_w, int dilation_h, int dilation_w);

// The fan-out row kernel for the shape, or nullptr (as qs8_dwconv_row_kernel).
Qs8DwconvRowFn qs8_dwconv_fanout_kernel(const Qs8DwconvKernel& kernel, int kernel_h,
                                        int kernel_w, int stride_w, int dilation_h,
                                        int dilation_w);
// Fan-out output counts: 4 or 8 (4 or 2 pixels per 16-lane vector), or
// 16, 32, 48, 64 (a vector per 16 channels of one pixel).
inline bool qs8_dwconv_fanout_supported(size_t channels) {
  return channels == 4 || channels == 8 || (channels % 16 == 0 && channels >= 16 && channels <= 64);
}
// Fan-out layout, per 16-lane vector (one for up to 16 channels, lane l
// holding channel l % channels; else one per 16 channels): 16 int32 biases
// bias - (input_zero_point + 128) * sum_t w[t] (the kernels add 128 to the
// input bytes to multiply them unsigned), then for each kernel column kx and
// each group g of four kernel rows 16 lanes of four int8 weights
// (w[4g][kx], .., w[4g+3][kx], 0 past the kernel's rows).
size_t qs8_dwconv_fanout_packed_bytes(size_t channels, int kernel);
void qs8_dwconv_pack_fanout(size_t channels, int kernel, const int8_t* weights,
                            const int32_t* bias, int32_t input_zero_point, void* packed);

// Generic layout: per block of channel_block channels, channel_block int32
// packed biases, then [taps][channel_block] int8 weights (zeros past `channels`).
size_t qs8_dwconv_packed_bytes(size_t channel_block, size_t channels, size_t taps);
// weights: [taps][channels] (the 1 x KH x KW x C filter); bias int32[channels] or nullptr.
void qs8_dwconv_pack(size_t channel_block, size_t channels, size_t taps, const int8_t* weights,
                     const int32_t* bias, int32_t input_zero_point, void* packed);

// Row layout, per block of B = channel_block channels (B a multiple of 8):
// B int32 packed biases, then for each kernel column kx and each pair of
// kernel rows (2p, 2p+1) B int16 pairs (w[2p][kx][c], w[2p+1][kx][c]), the
// second 0 for the last row of an odd kernel. Biases and pairs are stored in
// "unpack order", the order an interleave of two vectors of int16 channels
// produces within 128-bit lanes (vpunpcklwd / vpunpckhwd, NEON zip1 / zip2):
// the low half holds channels 8L..8L+3 of every 8-channel lane L, the high
// half channels 8L+4..8L+7. Slot of channel j of a block:
//   (j % 8 < 4 ? 0 : B / 2) + (j / 8) * 4 + j % 4
size_t qs8_dwconv_rows_packed_bytes(size_t channel_block, size_t channels, int kernel_h,
                                    int kernel_w);
void qs8_dwconv_pack_rows(size_t channel_block, size_t channels, int kernel_h, int kernel_w,
                          const int8_t* weights, const int32_t* bias, int32_t input_zero_point,
                          void* packed);
// The same with int16 weights, for variants with wide_row_weights.
void qs8_dwconv_pack_rows_wide(size_t channel_block, size_t channels, int kernel_h,
                               int kernel_w, const int16_t* weights, const int32_t* bias,
                               int32_t input_zero_point, void* packed);
inline size_t qs8_dwconv_unpack_slot(size_t channel_block, size_t j) {
  return (j % 8 < 4 ? 0 : channel_block / 2) + (j / 8) * 4 + j % 4;
}

// The four row kernels of an ISA: 3x3 and 5x5, stride 1 and 2.
#define LOWBIT_DECLARE_DWCONV_ROWS(isa)                                    \
  Qs8DwconvRowSignature qs8_dwconv_row3x3s1__##isa, qs8_dwconv_row3x3s2__##isa, \
      qs8_dwconv_row5x5s1__##isa, qs8_dwconv_row5x5s2__##isa

Qs8DwconvSignature qs8_dwconv_c8__reference;
// Portable row kernels over the row layout (block 8): the definition the
// SIMD row kernels are tested against, and the fallback for ISAs without one.
LOWBIT_DECLARE_DWCONV_ROWS(reference);
// x86-64 (kernels/x86/):
Qs8DwconvSignature qs8_dwconv_c16__avx2, qs8_dwconv_c32__avx512;
LOWBIT_DECLARE_DWCONV_ROWS(avx2);
LOWBIT_DECLARE_DWCONV_ROWS(avx512);
bool qs8_dwconv_row_terms__avx512(size_t channels, const Qs8GemmParams& params, void* terms);
constexpr uint32_t kQs8DwconvRowTermsBlockBytesAvx512 = 2 * 5 * 64;
// The generic kernel with stored terms: the same five vectors per 16
// channels in channel order, for every block (narrow ones too).
void qs8_dwconv_c32_terms__avx512(size_t channels, size_t taps, const int8_t* const* inputs,
                                  const void* packed_w, int8_t* output,
                                  const Qs8GemmParams& params, const void* terms);
bool qs8_dwconv_generic_terms__avx512(size_t channels, const Qs8GemmParams& params, void* terms);
LOWBIT_DECLARE_DWCONV_ROWS(avx512vnni);
// kernels/x86/qs8_dwconv_fanout_avx512vnni.cpp: VPDPBUSD on four kernel rows.
Qs8DwconvRowSignature qs8_dwconv_fanout3x3s1__avx512vnni, qs8_dwconv_fanout3x3s2__avx512vnni,
    qs8_dwconv_fanout5x5s1__avx512vnni, qs8_dwconv_fanout5x5s2__avx512vnni;
// aarch64 (kernels/arm/):
// kernels/arm/qs8_dwconv_neon.h: SMLAL/SMLAL2 on int16, eight channels.
Qs8DwconvSignature qs8_dwconv_c8__neon;
LOWBIT_DECLARE_DWCONV_ROWS(neon);
// kernels/arm/qs8_dwconv_neondot.cpp: 3x3 with SDOT on (r0, r1, r2, 0) byte groups.
Qs8DwconvRowSignature qs8_dwconv_row3x3s1__neondot, qs8_dwconv_row3x3s2__neondot;
// 32-bit ARM (kernels/arm/*_armv7neon.cpp):
// The same with VMLAL.S16, built with -mfpu=neon.
Qs8DwconvSignature qs8_dwconv_c8__armv7neon;
LOWBIT_DECLARE_DWCONV_ROWS(armv7neon);
// Cortex-M4 bare metal (kernels/arm/qs8_dwconv_cortexm4.cpp): SXTB16, SMLABB/SMLATT;
// the generic kernel only.
Qs8DwconvSignature qs8_dwconv_c4__cortexm4;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_dwconv_config.cpp).
KernelFamily<Qs8DwconvKernel> qs8_dwconv_variants();

}  // namespace lowbit
