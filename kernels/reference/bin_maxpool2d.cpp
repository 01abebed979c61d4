#include "kernels/reference/bin_maxpool2d.h"
#include "kernels/reference/bin_pack.h"

#include <algorithm>

namespace lowbit {
namespace ref {

void bin_maxpool2d__reference(const BinMaxPool2DParams& p, const uint32_t* input, uint32_t* output,
                              size_t pixel_begin, size_t pixel_end) {
  const int32_t words = (p.channels + 31) / 32;
  const uint32_t last_mask = bin_last_word_mask(size_t(p.channels));
  for (size_t pixel = pixel_begin; pixel < pixel_end; ++pixel) {
    const auto [n, y0, y1, x0, x1] = bin_maxpool2d_window(p, pixel);
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
