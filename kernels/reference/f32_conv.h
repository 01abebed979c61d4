// float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (a GEMM) as TFLite's float
// reference kernels compute them: NHWC activations, a sum of products per
// output started from zero, then the bias, then the fused activation's clamp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// One geometry for both convolutions. CONV_2D: OHWI weights
// [out_channels][kernel_h][kernel_w][group_in], the input's channels split
// into `groups` groups of group_in, each feeding group_out outputs.
// DEPTHWISE_CONV_2D: weights [1][kernel_h][kernel_w][out_channels], groups =
// in_channels, group_in = 1, group_out = the depth multiplier.
struct F32ConvParams {
  int32_t batch = 0, in_h = 0, in_w = 0, in_channels = 0;
  int32_t out_h = 0, out_w = 0;
  int32_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  int32_t groups = 1, group_in = 0, group_out = 0;
  float out_min = 0.0f, out_max = 0.0f;
  int32_t out_channels() const { return groups * group_out; }
};

// bias may be null (zero).
using F32ConvSignature = void(const F32ConvParams& p, const float* input, const float* weights,
                              const float* bias, float* output);
using F32ConvFn = F32ConvSignature*;

F32ConvSignature f32_conv2d__reference, f32_dwconv2d__reference;

// The GEMM of FULLY_CONNECTED and of 1x1 CONV_2D: c[i][j] = clamp(sum_d
// a[i][d] * w[j][d] + bias[j]) for m rows of depth k against n weight rows
// (OHWI / [out][depth], unpacked), rows of a and c `a_stride` / `c_stride`
// floats apart. The reference sums in depth order from zero (TFLite's);
// SIMD rows sum in other orders, so they match it within float rounding.
struct F32GemmParams {
  size_t m = 0, n = 0, k = 0, a_stride = 0, c_stride = 0;
  float out_min = 0.0f, out_max = 0.0f;
};

using F32GemmSignature = void(const F32GemmParams& p, const float* a, const float* w,
                              const float* bias, float* c);
using F32GemmFn = F32GemmSignature*;

F32GemmSignature f32_gemm__reference;

// CONV_2D (groups = 1) as a GEMM: the patches of output row `oy` of image
// `b`, out_w rows of kernel_h * kernel_w * in_channels floats in the OHWI
// weights' order, zeros where a tap falls in the padding. The GEMM's sums then
// include those zero products (SIMD GEMM rows differ from TFLite's order anyway).
void f32_im2col_row(const F32ConvParams& p, const float* input, int32_t b, int32_t oy,
                    float* patches);

}  // namespace ref
}  // namespace lowbit
