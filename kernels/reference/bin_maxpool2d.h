// Binary max pooling on bit-packed NHWC data (LCE's LceBMaxPool2d): the max of
// ±1 values is -1 only when every tap is -1, so the output word is the bitwise
// AND of the input words over the window taps inside the image.
#pragma once

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

// Output pixels [pixel_begin, pixel_end); pad bits of the output are 0. A
// window with no tap inside the image (impossible with TFLite padding) gives 0.
using BinMaxPool2DFn = void (*)(const BinMaxPool2DParams& p, const uint32_t* input,
                                uint32_t* output, size_t pixel_begin, size_t pixel_end);
void bin_maxpool2d__reference(const BinMaxPool2DParams& p, const uint32_t* input, uint32_t* output,
                              size_t pixel_begin, size_t pixel_end);

}  // namespace ref
}  // namespace lowbit
