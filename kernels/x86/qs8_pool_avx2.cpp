// AVX2 average and max pooling over NHWC int8/uint8, bit-exact with
// kernels/reference/qs8_pool2d.cpp. Each output pixel reduces its clipped
// window tap by tap with whole channel vectors.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernels/qs8_pool.h"

namespace lowbit {
namespace {

using ref::for_each_pool_output;
using ref::PoolWindow;

// ---- max ----

template <typename T>
__m256i max_bytes(__m256i a, __m256i b) {
  return std::is_signed<T>::value ? _mm256_max_epi8(a, b) : _mm256_max_epu8(a, b);
}
template <typename T>
__m256i min_bytes(__m256i a, __m256i b) {
  return std::is_signed<T>::value ? _mm256_min_epi8(a, b) : _mm256_min_epu8(a, b);
}

template <typename T>
void max_pool(const ref::PoolParams& p, const T* input, T* output, size_t row_begin,
              size_t row_end) {
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t pixel_stride = channels, row_stride = size_t(p.input_w) * channels;
  // The search starts at the clamp's lower bound, as the reference's does.
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(p.act_min));
  const __m256i hi = _mm256_set1_epi8(static_cast<char>(p.act_max));
  for_each_pool_output(p, input, output, row_begin, row_end, [&](const T* image, const PoolWindow& w, T* out) {
    size_t c = 0;
    for (; c + 32 <= channels; c += 32) {
      __m256i best = lo;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        const T* tap = image + size_t(y) * row_stride + size_t(w.x_begin) * pixel_stride + c;
        for (int32_t x = w.x_begin; x < w.x_end; ++x, tap += pixel_stride) {
          best = max_bytes<T>(best, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tap)));
        }
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), min_bytes<T>(best, hi));
    }
    for (; c < channels; ++c) {
      int32_t best = p.act_min;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
          best = std::max<int32_t>(best, image[size_t(y) * row_stride + size_t(x) * pixel_stride + c]);
        }
      }
      out[c] = static_cast<T>(std::min(best, p.act_max));
    }
  });
}

// ---- average ----

// The reference's rounding: (sum +- count/2) / count, truncating, i.e. half
// away from zero.
inline int32_t rounded_average(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

// Eight int32 sums divided the same way. |sum +- count/2| < 2^31 and the
// quotient is computed in double, whose error (at most 2^-53 of a quotient
// below 2^31 / count) is smaller than the 1/count gap between a non-integer
// quotient and the next integer, so truncation gives the exact C quotient.
inline __m256i rounded_average8(__m256i sum, int32_t count) {
  const __m256i half = _mm256_set1_epi32(count / 2);
  const __m256i positive = _mm256_cmpgt_epi32(sum, _mm256_setzero_si256());
  const __m256i adjusted = _mm256_add_epi32(
      sum, _mm256_blendv_epi8(_mm256_sub_epi32(_mm256_setzero_si256(), half), half, positive));
  const __m256d divisor = _mm256_set1_pd(static_cast<double>(count));
  const __m128i q_lo = _mm256_cvttpd_epi32(
      _mm256_div_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(adjusted)), divisor));
  const __m128i q_hi = _mm256_cvttpd_epi32(
      _mm256_div_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(adjusted, 1)), divisor));
  return _mm256_set_m128i(q_hi, q_lo);
}

template <typename T>
__m256i widen8(const T* src) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src));
  return std::is_signed<T>::value ? _mm256_cvtepi8_epi32(bytes) : _mm256_cvtepu8_epi32(bytes);
}

template <typename T>
void average_pool(const ref::PoolParams& p, const T* input, T* output, size_t row_begin,
                  size_t row_end) {
  const size_t channels = static_cast<size_t>(p.channels);
  const size_t pixel_stride = channels, row_stride = size_t(p.input_w) * channels;
  const __m256i act_min = _mm256_set1_epi32(p.act_min), act_max = _mm256_set1_epi32(p.act_max);
  for_each_pool_output(p, input, output, row_begin, row_end, [&](const T* image, const PoolWindow& w, T* out) {
    const int32_t count = w.count();
    size_t c = 0;
    for (; count > 0 && c + 16 <= channels; c += 16) {
      __m256i sum_lo = _mm256_setzero_si256(), sum_hi = _mm256_setzero_si256();
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        const T* tap = image + size_t(y) * row_stride + size_t(w.x_begin) * pixel_stride + c;
        for (int32_t x = w.x_begin; x < w.x_end; ++x, tap += pixel_stride) {
          sum_lo = _mm256_add_epi32(sum_lo, widen8(tap));
          sum_hi = _mm256_add_epi32(sum_hi, widen8(tap + 8));
        }
      }
      const __m256i avg_lo = _mm256_min_epi32(_mm256_max_epi32(rounded_average8(sum_lo, count), act_min), act_max);
      const __m256i avg_hi = _mm256_min_epi32(_mm256_max_epi32(rounded_average8(sum_hi, count), act_min), act_max);
      // Values are inside the output type's range: packing cannot saturate.
      const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(avg_lo, avg_hi), 0xD8);
      const __m128i w16_lo = _mm256_castsi256_si128(words), w16_hi = _mm256_extracti128_si256(words, 1);
      const __m128i bytes = std::is_signed<T>::value ? _mm_packs_epi16(w16_lo, w16_hi)
                                                     : _mm_packus_epi16(w16_lo, w16_hi);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), bytes);
    }
    for (; c < channels; ++c) {
      int32_t sum = 0;
      for (int32_t y = w.y_begin; y < w.y_end; ++y) {
        for (int32_t x = w.x_begin; x < w.x_end; ++x) {
          sum += image[size_t(y) * row_stride + size_t(x) * pixel_stride + c];
        }
      }
      const int32_t avg = count > 0 ? rounded_average(sum, count) : 0;
      out[c] = static_cast<T>(std::min(std::max(avg, p.act_min), p.act_max));
    }
  });
}

}  // namespace

void qs8_average_pool2d__avx2(const ref::PoolParams& p, const int8_t* input, int8_t* output,
                              size_t row_begin, size_t row_end) {
  average_pool(p, input, output, row_begin, row_end);
}
void qu8_average_pool2d__avx2(const ref::PoolParams& p, const uint8_t* input, uint8_t* output,
                              size_t row_begin, size_t row_end) {
  average_pool(p, input, output, row_begin, row_end);
}
void qs8_max_pool2d__avx2(const ref::PoolParams& p, const int8_t* input, int8_t* output,
                          size_t row_begin, size_t row_end) {
  max_pool(p, input, output, row_begin, row_end);
}
void qu8_max_pool2d__avx2(const ref::PoolParams& p, const uint8_t* input, uint8_t* output,
                          size_t row_begin, size_t row_end) {
  max_pool(p, input, output, row_begin, row_end);
}

}  // namespace lowbit
