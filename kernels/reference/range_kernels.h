// Parameter blocks and a kernel signature shared by reference families. The
// signature is a template over the element type, so that a family declares
// its int8 and uint8 kernels (and its SIMD variants) by name only; such a
// kernel computes a range [begin, end) of its output's rows or elements, the
// unit a thread pool splits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

// One input tensor to one output tensor of the same element type.
template <typename Params, typename T>
using UnaryRangeKernel = void(const Params& p, const T* input, T* output, size_t begin,
                              size_t end);

// The quantization of a layer with weights: zero points, the fused
// activation's clamp and one requantizer per output channel.
struct LayerQuantParams {
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;  // nonzero only for legacy uint8 weights
  int32_t output_zero_point = 0;
  int32_t act_min = -128, act_max = 127;
  RequantProfile profile{};
  const Requantizer* requantizers = nullptr;  // one per output channel
};

// The window geometry of a convolution over NHWC images.
struct ConvWindowParams {
  int32_t batch = 0, input_h = 0, input_w = 0, input_c = 0;
  int32_t output_h = 0, output_w = 0;
  int32_t kernel_h = 0, kernel_w = 0;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
};

}  // namespace ref
}  // namespace lowbit
