// Binary max pooling on bit-packed NHWC data (LCE's LceBMaxPool2d): the max of
// ±1 values is -1 only when every tap is -1, so the output word is the bitwise
// AND of the input words over the window taps inside the image.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct BinMaxPool2DParams {
  int32_t batch = 1, input_h = 1, input_w = 1;
  int32_t channels = 1;  // logical; each pixel holds bit_words(channels) words
  int32_t output_h = 1, output_w = 1;
  int32_t filter_h = 1, filter_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
};

inline size_t bin_maxpool2d_pixels(const BinMaxPool2DParams& p) {
  return size_t(p.batch) * size_t(p.output_h) * size_t(p.output_w);
}

// The window of output pixel `pixel` (counted over batch * output_h *
// output_w) clipped to the image: rows [y0, y1), columns [x0, x1) of image n.
struct BinMaxPool2DWindow {
  size_t n;
  int32_t y0, y1, x0, x1;
};
inline BinMaxPool2DWindow bin_maxpool2d_window(const BinMaxPool2DParams& p, size_t pixel) {
  const int32_t ox = static_cast<int32_t>(pixel % p.output_w);
  const int32_t oy = static_cast<int32_t>((pixel / p.output_w) % p.output_h);
  const int32_t top = oy * p.stride_h - p.pad_top, left = ox * p.stride_w - p.pad_left;
  return {pixel / (size_t(p.output_w) * p.output_h), std::max<int32_t>(0, top),
          std::min<int32_t>(p.input_h, top + p.filter_h), std::max<int32_t>(0, left),
          std::min<int32_t>(p.input_w, left + p.filter_w)};
}

// Output pixels [pixel_begin, pixel_end); pad bits of the output are 0. A
// window with no tap inside the image (impossible with TFLite padding) gives 0.
using BinMaxPool2DFn = void (*)(const BinMaxPool2DParams& p, const uint32_t* input,
                                uint32_t* output, size_t pixel_begin, size_t pixel_end);
void bin_maxpool2d__reference(const BinMaxPool2DParams& p, const uint32_t* input, uint32_t* output,
                              size_t pixel_begin, size_t pixel_end);

}  // namespace ref
}  // namespace lowbit
