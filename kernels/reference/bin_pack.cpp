#include "kernels/reference/bin_pack.h"

#include <algorithm>
#include <cmath>

namespace lowbit {
namespace ref {
namespace {

inline size_t words_for(size_t channels) { return (channels + 31) / 32; }

template <typename T, typename IsNegative>
void pack_rows(const T* input, size_t channels, uint32_t* output, size_t row_begin,
               size_t row_end, IsNegative is_negative) {
  bin_pack_rows(input, channels, output, row_begin, row_end, [=](const T* in, size_t w) __attribute__((always_inline)) {
    const size_t end = std::min(channels, (w + 1) * 32);
    uint32_t word = 0;
    for (size_t c = w * 32; c < end; ++c) {
      if (is_negative(in[c])) word |= 1u << (c % 32);
    }
    return word;
  });
}

template <typename T>
void unpack_rows(const uint32_t* input, size_t channels, T plus, T minus, T* output,
                 size_t row_begin, size_t row_end) {
  const size_t words = words_for(channels);
  for (size_t row = row_begin; row < row_end; ++row) {
    const uint32_t* in = input + row * words;
    T* out = output + row * channels;
    for (size_t c = 0; c < channels; ++c) {
      out[c] = ((in[c / 32] >> (c % 32)) & 1u) ? minus : plus;
    }
  }
}

}  // namespace

void bin_pack_f32__reference(const float* input, size_t channels, uint32_t* output,
                             size_t row_begin, size_t row_end) {
  pack_rows(input, channels, output, row_begin, row_end, [](float x) { return x < 0.0f; });
}

void bin_pack_qs8__reference(const int8_t* input, size_t channels, int32_t zero_point,
                             uint32_t* output, size_t row_begin, size_t row_end) {
  pack_rows(input, channels, output, row_begin, row_end,
            [zero_point](int8_t q) { return int32_t(q) < zero_point; });
}

void bin_unpack_f32__reference(const uint32_t* input, size_t channels, float* output,
                               size_t row_begin, size_t row_end) {
  unpack_rows<float>(input, channels, 1.0f, -1.0f, output, row_begin, row_end);
}

void bin_unpack_qs8__reference(const uint32_t* input, size_t channels, int8_t plus, int8_t minus,
                               int8_t* output, size_t row_begin, size_t row_end) {
  unpack_rows<int8_t>(input, channels, plus, minus, output, row_begin, row_end);
}

void bin_unpack_qs8_values(float scale, int32_t zero_point, int8_t* plus, int8_t* minus) {
  // Any offset above 255 saturates both results, so cap it before converting
  // (1/scale can exceed the int32 range).
  const float offset_f = std::min(std::round(1.0f / scale), 256.0f);
  const int32_t offset = static_cast<int32_t>(offset_f);
  *plus = static_cast<int8_t>(std::min<int32_t>(127, zero_point + offset));
  *minus = static_cast<int8_t>(std::max<int32_t>(-128, zero_point - offset));
}

}  // namespace ref
}  // namespace lowbit
