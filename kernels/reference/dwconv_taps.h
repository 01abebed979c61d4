// The input pointers under one depthwise output pixel (the generic kernel's
// indirection row, kernels/qs8_dwconv.h), for the hosted driver
// (src/ops/drivers/qs8_dwconv_driver.cpp) and lowbit micro's operator
// (src/micro/ops/depthwise_conv_2d.cpp): one definition of the window walk.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/conv_geometry.h"

namespace lowbit {

// offsets[t], t = ky * kernel_w + kx: bytes from the window's top-left input
// pixel to tap (ky, kx) in an image of `channels` bytes per pixel.
inline void dwconv_tap_offsets(const ConvGeometry& g, size_t channels, size_t* offsets) {
  for (int32_t ky = 0, t = 0; ky < g.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g.kernel_w; ++kx, ++t) {
      offsets[t] = (size_t(ky) * g.dilation_h * g.input_w + size_t(kx) * g.dilation_w) * channels;
    }
  }
}

// taps[0 .. kernel_h * kernel_w) for output pixel (oy, ox) of one image
// (`image`: its first pixel, `channels` bytes each): inside pixels, or
// `zero_row` for taps in the padding. Interior windows take the offsets.
inline void dwconv_window_taps(const ConvGeometry& g, size_t channels, const int8_t* image,
                               int32_t oy, int32_t ox, const size_t* offsets,
                               const int8_t* zero_row, const int8_t** taps) {
  const int32_t iy0 = oy * g.stride_h - g.pad_top;
  const int32_t ix0 = ox * g.stride_w - g.pad_left;
  const size_t tap_count = size_t(g.kernel_h) * g.kernel_w;
  if (iy0 >= 0 && iy0 + (g.kernel_h - 1) * g.dilation_h < g.input_h && ix0 >= 0 &&
      ix0 + (g.kernel_w - 1) * g.dilation_w < g.input_w) {
    const int8_t* origin = image + (size_t(iy0) * g.input_w + size_t(ix0)) * channels;
    for (size_t t = 0; t < tap_count; ++t) taps[t] = origin + offsets[t];
    return;
  }
  size_t t = 0;
  for (int32_t ky = 0; ky < g.kernel_h; ++ky) {
    const int32_t iy = iy0 + ky * g.dilation_h;
    for (int32_t kx = 0; kx < g.kernel_w; ++kx) {
      const int32_t ix = ix0 + kx * g.dilation_w;
      const bool inside = iy >= 0 && iy < g.input_h && ix >= 0 && ix < g.input_w;
      taps[t++] = inside ? image + (size_t(iy) * g.input_w + size_t(ix)) * channels : zero_row;
    }
  }
}

}  // namespace lowbit
