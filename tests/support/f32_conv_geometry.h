// Random convolution windows for the float convolution testers: small
// batches and images, 1-3 taps each way, strides and dilations of 1-2,
// padding 0-1 at the top/left, 1-5 output pixels each way. The caller sets the
// channels and groups.
#pragma once

#include <cstdint>
#include <random>

#include "kernels/reference/f32_conv.h"

namespace lowbit {
namespace testing {

inline ref::F32ConvParams random_f32_conv_window(std::mt19937& rng, int32_t max_in_size) {
  ref::F32ConvParams p;
  p.batch = 1 + int32_t(rng() % 2);
  p.in_h = 1 + int32_t(rng() % uint32_t(max_in_size));
  p.in_w = 1 + int32_t(rng() % uint32_t(max_in_size));
  p.kernel_h = 1 + int32_t(rng() % 3);
  p.kernel_w = 1 + int32_t(rng() % 3);
  p.stride_h = 1 + int32_t(rng() % 2);
  p.stride_w = 1 + int32_t(rng() % 2);
  p.dilation_h = 1 + int32_t(rng() % 2);
  p.dilation_w = 1 + int32_t(rng() % 2);
  p.pad_top = int32_t(rng() % 2);
  p.pad_left = int32_t(rng() % 2);
  p.out_h = 1 + int32_t(rng() % 5);
  p.out_w = 1 + int32_t(rng() % 5);
  return p;
}

}  // namespace testing
}  // namespace lowbit
