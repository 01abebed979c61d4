// Conversions between real-valued tensors and bit-packed rows (LCE's
// LceQuantize / LceDequantize). A row is the innermost dimension: `channels`
// values <-> bit_words(channels) 32-bit words, channel c in bit c%32 of word
// c/32, bit 1 = negative, pad bits 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// The valid bits of a row's last word (pad bits 0): all 32 when channels % 32 == 0.
inline uint32_t bin_last_word_mask(size_t channels) {
  const size_t rem = channels % 32;
  return rem == 0 ? ~0u : (1u << rem) - 1u;
}

// The loop of the bitpacking kernels: output word w of every row in
// [row_begin, row_end) is pack_word(in, w), `in` the row's `channels` values
// and w < the row's (channels + 31) / 32 words. (Kernels capture by value
// what pack_word reads: the stores to `output` could alias a reference.)
template <typename T, typename PackWord>
__attribute__((always_inline)) inline void bin_pack_rows(const T* input, size_t channels,
                                                         uint32_t* output, size_t row_begin,
                                                         size_t row_end, PackWord&& pack_word) {
  const size_t words = (channels + 31) / 32;
  for (size_t row = row_begin; row < row_end; ++row) {
    const T* in = input + row * channels;
    uint32_t* out = output + row * words;
    for (size_t w = 0; w < words; ++w) out[w] = pack_word(in, w);
  }
}

// bit = (x < 0): -0.0 and NaN give bit 0, as LCE's bitpacking.
using BinPackF32Fn = void (*)(const float* input, size_t channels, uint32_t* output,
                              size_t row_begin, size_t row_end);
void bin_pack_f32__reference(const float* input, size_t channels, uint32_t* output,
                             size_t row_begin, size_t row_end);

// bit = (q < zero_point).
using BinPackQs8Fn = void (*)(const int8_t* input, size_t channels, int32_t zero_point,
                              uint32_t* output, size_t row_begin, size_t row_end);
void bin_pack_qs8__reference(const int8_t* input, size_t channels, int32_t zero_point,
                             uint32_t* output, size_t row_begin, size_t row_end);

// bit 0 -> +1.0f, bit 1 -> -1.0f. Pad bits are ignored.
using BinUnpackF32Fn = void (*)(const uint32_t* input, size_t channels, float* output,
                                size_t row_begin, size_t row_end);
void bin_unpack_f32__reference(const uint32_t* input, size_t channels, float* output,
                               size_t row_begin, size_t row_end);

// bit 0 -> plus, bit 1 -> minus (see bin_unpack_qs8_values).
using BinUnpackQs8Fn = void (*)(const uint32_t* input, size_t channels, int8_t plus, int8_t minus,
                                int8_t* output, size_t row_begin, size_t row_end);
void bin_unpack_qs8__reference(const uint32_t* input, size_t channels, int8_t plus, int8_t minus,
                               int8_t* output, size_t row_begin, size_t row_end);

// LCE's LceDequantize to int8: offset = round(1.0f / scale) (float division,
// ties away from zero); +1 -> min(127, zp + offset), -1 -> max(-128, zp - offset).
// Requires scale > 0 and finite and zero_point in [-128, 127].
void bin_unpack_qs8_values(float scale, int32_t zero_point, int8_t* plus, int8_t* minus);

}  // namespace ref
}  // namespace lowbit
