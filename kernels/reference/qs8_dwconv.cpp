// Depthwise weight packing and the portable microkernel the SIMD variants
// must equal.
#include <cstring>

#include "kernels/qs8_dwconv.h"
#include "kernels/reference/wrapping_int32.h"

namespace lowbit {

size_t qs8_dwconv_packed_bytes(size_t channel_block, size_t channels, size_t taps) {
  const size_t blocks = (channels + channel_block - 1) / channel_block;
  return blocks * channel_block * (sizeof(int32_t) + taps);
}

void qs8_dwconv_pack(size_t channel_block, size_t channels, size_t taps, const int8_t* weights,
                     const int32_t* bias, int32_t input_zero_point, void* packed) {
  auto* out = static_cast<uint8_t*>(packed);
  for (size_t block = 0; block < channels; block += channel_block) {
    for (size_t j = 0; j < channel_block; ++j) {
      const size_t c = block + j;
      int32_t value = 0;
      if (c < channels) {
        int32_t sum_w = 0;
        for (size_t t = 0; t < taps; ++t) sum_w = wrapping_add(sum_w, weights[t * channels + c]);
        value = wrapping_add(bias ? bias[c] : 0, wrapping_mul(-input_zero_point, sum_w));
      }
      std::memcpy(out, &value, sizeof(value));
      out += sizeof(value);
    }
    for (size_t t = 0; t < taps; ++t) {
      for (size_t j = 0; j < channel_block; ++j) {
        const size_t c = block + j;
        *out++ = static_cast<uint8_t>(c < channels ? weights[t * channels + c] : 0);
      }
    }
  }
}

void qs8_dwconv_c8__reference(size_t channels, size_t taps, const int8_t* const* inputs,
                              const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  constexpr size_t kBlock = 8;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < channels; block += kBlock) {
    int32_t acc[kBlock];
    std::memcpy(acc, w, sizeof(acc));
    const auto* wt = reinterpret_cast<const int8_t*>(w + sizeof(acc));
    const size_t n = channels - block < kBlock ? channels - block : kBlock;
    for (size_t t = 0; t < taps; ++t) {
      for (size_t j = 0; j < n; ++j) {
        acc[j] = wrapping_add(acc[j], int32_t(inputs[t][block + j]) * wt[t * kBlock + j]);
      }
    }
    for (size_t j = 0; j < n; ++j) {
      const size_t c = block + j;
      output[c] = qs8_requantize_channel(acc[j], params, c);
    }
    w += kBlock * (sizeof(int32_t) + taps);
  }
}

}  // namespace lowbit
