#include "kernels/reference/bin_maxpool2d.h"

#include <algorithm>

namespace lowbit {
namespace ref {

void bin_maxpool2d__reference(const BinMaxPool2DParams& p, const uint32_t* input, uint32_t* output,
                              size_t pixel_begin, size_t pixel_end) {
  const int32_t words = (p.channels + 31) / 32;
  const int32_t rem = p.channels % 32;
  const uint32_t last_mask = rem == 0 ? ~0u : (1u << rem) - 1u;
  for (size_t pixel = pixel_begin; pixel < pixel_end; ++pixel) {
    const int32_t ox = static_cast<int32_t>(pixel % p.output_w);
    const int32_t oy = static_cast<int32_t>((pixel / p.output_w) % p.output_h);
    const int32_t n = static_cast<int32_t>(pixel / (size_t(p.output_w) * p.output_h));
    const int32_t y0 = std::max(0, oy * p.stride_h - p.pad_top);
    const int32_t y1 = std::min(p.input_h, oy * p.stride_h - p.pad_top + p.filter_h);
    const int32_t x0 = std::max(0, ox * p.stride_w - p.pad_left);
    const int32_t x1 = std::min(p.input_w, ox * p.stride_w - p.pad_left + p.filter_w);
    uint32_t* out = output + pixel * words;
    const bool empty = y0 >= y1 || x0 >= x1;
    for (int32_t w = 0; w < words; ++w) {
      uint32_t acc = empty ? 0u : ~0u;
      for (int32_t iy = y0; iy < y1; ++iy) {
        for (int32_t ix = x0; ix < x1; ++ix) {
          acc &= input[((size_t(n) * p.input_h + iy) * p.input_w + ix) * words + w];
        }
      }
      out[w] = w + 1 == words ? (acc & last_mask) : acc;
    }
  }
}

}  // namespace ref
}  // namespace lowbit
