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

// Calls pixel(image, oy, ox, out) for every output pixel of rows [row_begin,
// row_end) of the batch * output_h rows of an NHWC layer (Params: input_h,
// input_w, output_h, output_w): `image` is the pixel's input image of
// input_c channels, `out` its output_c outputs.
template <typename Params, typename T, typename Pixel>
void for_each_output_pixel(const Params& p, int32_t input_c, int32_t output_c, const T* input,
                           T* output, size_t row_begin, size_t row_end, Pixel&& pixel) {
  for (size_t row = row_begin; row < row_end; ++row) {
    const int32_t b = static_cast<int32_t>(row / p.output_h);
    const int32_t oy = static_cast<int32_t>(row % p.output_h);
    const T* image = input + size_t(b) * p.input_h * p.input_w * input_c;
    T* out_row = output + row * size_t(p.output_w) * output_c;
    for (int32_t ox = 0; ox < p.output_w; ++ox) {
      pixel(image, oy, ox, out_row + size_t(ox) * output_c);
    }
  }
}

// Calls tap(ky, kx, iy, ix) for every tap of output pixel (oy, ox)'s window
// that lies inside the image (taps outside are zero in the real domain).
template <typename Tap>
void for_each_window_tap(const ConvWindowParams& p, int32_t oy, int32_t ox, Tap&& tap) {
  const int32_t in_y0 = oy * p.stride_h - p.pad_top;
  const int32_t in_x0 = ox * p.stride_w - p.pad_left;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    const int32_t iy = in_y0 + ky * p.dilation_h;
    if (iy < 0 || iy >= p.input_h) continue;
    for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
      const int32_t ix = in_x0 + kx * p.dilation_w;
      if (ix < 0 || ix >= p.input_w) continue;
      tap(ky, kx, iy, ix);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
