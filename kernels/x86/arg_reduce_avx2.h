// The AVX2 key operations of ARG_MAX / ARG_MIN over bytes (the Simd of
// ref::first_best_key, kernels/reference/arg_reduce.h), 32 keys per vector;
// the AVX-512 variant reuses them with masked loads and compares.
#pragma once

#include <immintrin.h>

#include <cstring>

#include "kernels/arg_reduce.h"

namespace lowbit {
namespace {

struct Avx2Keys {
  using Vec = __m256i;
  static constexpr size_t kLanes = 32;

  static Vec splat(uint8_t byte) { return _mm256_set1_epi8(static_cast<char>(byte)); }
  static Vec max(Vec a, Vec b) { return _mm256_max_epi8(a, b); }

  static Vec broadcast_max(Vec v) {
    __m128i m = _mm_max_epi8(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    m = _mm_max_epi8(m, _mm_shuffle_epi32(m, 0x4e));
    m = _mm_max_epi8(m, _mm_shuffle_epi32(m, 0xb1));
    // Only byte 0 is read: the shifts' zeros never reach it.
    m = _mm_max_epi8(m, _mm_srli_epi32(m, 16));
    m = _mm_max_epi8(m, _mm_srli_epi16(m, 8));
    return _mm256_broadcastb_epi8(m);
  }

  // A partial chunk is read through a copy when a full load would pass the
  // input's end, and its lanes from `count` on are set to the lowest key.
  static Vec keys(const uint8_t* x, size_t count, size_t readable, Vec flip) {
    if (count == kLanes) {
      return _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)), flip);
    }
    alignas(32) uint8_t copy[kLanes] = {};
    if (readable < kLanes) {
      std::memcpy(copy, x, count);
      x = copy;
    }
    const Vec lanes = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    const Vec inside = _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(count)), lanes);
    const Vec v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
    return _mm256_blendv_epi8(_mm256_set1_epi8(-128), _mm256_xor_si256(v, flip), inside);
  }

  static size_t first_equal(Vec a, Vec b) {
    const uint32_t hits = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, b)));
    return hits == 0 ? kLanes : static_cast<size_t>(__builtin_ctz(hits));
  }
};

}  // namespace
}  // namespace lowbit
