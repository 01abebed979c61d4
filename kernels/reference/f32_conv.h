// float32 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED as TFLite's float
// reference kernels compute them: NHWC activations, a sum of products per
// output started from zero, then the bias, then the fused activation's clamp.
#pragma once

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

// input [batch][depth], weights [out_channels][depth], output [batch][out_channels].
struct F32FullyConnectedParams {
  int64_t batch = 0;
  int32_t depth = 0, out_channels = 0;
  float out_min = 0.0f, out_max = 0.0f;
};

using F32FullyConnectedSignature = void(const F32FullyConnectedParams& p, const float* input,
                                        const float* weights, const float* bias, float* output);
using F32FullyConnectedFn = F32FullyConnectedSignature*;

F32FullyConnectedSignature f32_fully_connected__reference;

}  // namespace ref
}  // namespace lowbit
