#include "kernels/reference/space_batch.h"

#include <cstring>

namespace lowbit {
namespace ref {

void space_batch__reference(const SpaceBatchParams& p, const void* input, void* output,
                            size_t begin, size_t end) {
  const auto* in = static_cast<const uint8_t*>(input);
  auto* out = static_cast<uint8_t*>(output);
  const size_t pixel = static_cast<size_t>(p.channels) * p.element_size;
  for (size_t row = begin; row < end; ++row) {
    const int64_t b = static_cast<int64_t>(row) / p.out_height;
    const int64_t h = static_cast<int64_t>(row) % p.out_height;
    for (int64_t w = 0; w < p.out_width; ++w) {
      uint8_t* dst = out + (static_cast<size_t>(row) * p.out_width + w) * pixel;
      int64_t in_b, in_h, in_w;
      if (p.to_batch) {
        const int64_t block = b / p.batch;
        in_b = b % p.batch;
        in_h = h * p.block_h + block / p.block_w - p.before_h;
        in_w = w * p.block_w + block % p.block_w - p.before_w;
        if (in_h < 0 || in_h >= p.in_height || in_w < 0 || in_w >= p.in_width) {
          std::memset(dst, p.pad_byte, pixel);
          continue;
        }
      } else {
        const int64_t y = h + p.before_h, x = w + p.before_w;
        in_b = ((y % p.block_h) * p.block_w + x % p.block_w) * p.out_batch + b;
        in_h = y / p.block_h;
        in_w = x / p.block_w;
      }
      std::memcpy(dst, in + ((in_b * p.in_height + in_h) * p.in_width + in_w) * pixel, pixel);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
