// TRANSPOSE_CONV as TFLite's reference kernels define it: every input pixel
// scatters input x weights into the output window it covers (stride apart,
// shifted up-left by the padding); out-of-image taps are dropped; the bias is
// added to the finished sum, then the int32 sum is requantized per output
// channel and clamped to the fused activation's range.
//
// The quantized kernels compute the same sums as a GEMM and a gather
// ("col2im"): first, per input pixel, columns[pixel][(ky, kx, oc)] =
// sum over ic of (x - input_zero_point) * (w - weights_zero_point), an int32
// GEMM of the pixels against weights repacked by pack_transpose_conv_weights;
// then each output value adds the columns of the taps that reach it. Integer
// sums do not depend on the order, so this equals the scatter exactly.
//
// The float kernel must add in TFLite's order to round alike: for one output
// value the scatter adds its terms input pixel by pixel (rows, then columns)
// and, within a pixel, channel by channel, starting from 0; the gather below
// visits the terms in that order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"

namespace lowbit {
namespace ref {

// The geometry is a convolution's seen from its output: kernel taps shifted
// by pad_top/pad_left map input pixels onto output pixels (dilation is 1).
struct TransposeConvParams : ConvWindowParams, LayerQuantParams {
  int32_t output_c = 1;
  // Float only: the fused activation's range.
  float float_min = -3.402823466e38f, float_max = 3.402823466e38f;

  // Columns of one input pixel in the GEMM: kernel_h * kernel_w * output_c.
  size_t columns() const { return size_t(kernel_h) * kernel_w * output_c; }
  // The packed weights' row: columns() rounded up to whole SIMD tiles (the
  // padding is zero), so tiles load full vectors.
  size_t packed_columns() const { return (columns() + 31) / 32 * 32; }
  // Input channels taken in pairs (the last padded with a zero weight).
  size_t channel_pairs() const { return (size_t(input_c) + 1) / 2; }
  // int16 values of the packed weights.
  size_t packed_size() const { return channel_pairs() * packed_columns() * 2; }
};

// OHWI weights (minus their zero point) into the GEMM's layout, int16 so
// that uint8 weights with any zero point fit: [channel_pairs][packed_columns]
// [2], each column's weights for input channels 2k and 2k+1 side by side, the
// operand order of a 16-bit multiply-add of pairs (x86 pmaddwd).
void pack_transpose_conv_weights(const TransposeConvParams& p, const int8_t* weights,
                                 int16_t* packed);
void pack_transpose_conv_weights(const TransposeConvParams& p, const uint8_t* weights,
                                 int16_t* packed);

// The GEMM for input rows [row_begin, row_end) of batch * input_h: writes
// input_w * columns() int32 values per row into `columns`.
using Qs8TransposeConvGemmSignature = void(const TransposeConvParams& p, const int8_t* input,
                                           const int16_t* packed, int32_t* columns,
                                           size_t row_begin, size_t row_end);
using Qu8TransposeConvGemmSignature = void(const TransposeConvParams& p, const uint8_t* input,
                                           const int16_t* packed, int32_t* columns,
                                           size_t row_begin, size_t row_end);
using Qs8TransposeConvGemmFn = Qs8TransposeConvGemmSignature*;
using Qu8TransposeConvGemmFn = Qu8TransposeConvGemmSignature*;
void qs8_transpose_conv_gemm__reference(const TransposeConvParams& p, const int8_t* input,
                                        const int16_t* packed, int32_t* columns,
                                        size_t row_begin, size_t row_end);
void qu8_transpose_conv_gemm__reference(const TransposeConvParams& p, const uint8_t* input,
                                        const int16_t* packed, int32_t* columns,
                                        size_t row_begin, size_t row_end);

// The int16 pair (x[2k] - zero point, x[2k+1] - zero point) of input
// channels 2k, 2k+1 of one pixel as one int32 (first channel in the low
// half), for k in [pair_begin, pair_begin + pairs): what a SIMD tile
// broadcasts against a vector of packed columns. A missing odd channel is 0.
void stage_transpose_conv_pairs(const TransposeConvParams& p, const int8_t* pixel,
                                size_t pair_begin, size_t pairs, int32_t* staged, size_t step);
void stage_transpose_conv_pairs(const TransposeConvParams& p, const uint8_t* pixel,
                                size_t pair_begin, size_t pairs, int32_t* staged, size_t step);

// The gather, bias and requantization for output rows [row_begin, row_end)
// of batch * output_h. `bias` may be null.
using Qs8TransposeConvOutputSignature = void(const TransposeConvParams& p,
                                             const int32_t* columns, const int32_t* bias,
                                             int8_t* output, size_t row_begin, size_t row_end);
using Qu8TransposeConvOutputSignature = void(const TransposeConvParams& p,
                                             const int32_t* columns, const int32_t* bias,
                                             uint8_t* output, size_t row_begin, size_t row_end);
using Qs8TransposeConvOutputFn = Qs8TransposeConvOutputSignature*;
using Qu8TransposeConvOutputFn = Qu8TransposeConvOutputSignature*;
void qs8_transpose_conv_output__reference(const TransposeConvParams& p, const int32_t* columns,
                                          const int32_t* bias, int8_t* output, size_t row_begin,
                                          size_t row_end);
void qu8_transpose_conv_output__reference(const TransposeConvParams& p, const int32_t* columns,
                                          const int32_t* bias, uint8_t* output, size_t row_begin,
                                          size_t row_end);

// Float output rows [row_begin, row_end) of batch * output_h from OHWI
// weights. `bias` may be null.
void f32_transpose_conv__reference(const TransposeConvParams& p, const float* input,
                                   const float* weights, const float* bias, float* output,
                                   size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
