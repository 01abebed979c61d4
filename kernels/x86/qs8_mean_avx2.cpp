// int8 and uint8 MEAN (and SUM, which runs the uint8 kernel) over reduced
// axes with AVX2, bit-exact with kernels/reference/qs8_mean.cpp: the same
// int32 sums (integer addition is exact in any order, and the operator caps
// the count so they cannot overflow), then the reference's requantization.
// Eight contiguous outputs per step when the innermost kept dimension is
// contiguous (the NHWC spatial mean); byte sums of 32 at a time when the
// innermost reduced one is (a sum over channels).
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernels/qs8_mean.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

template <typename T>
__m256i widen8(const T* x) {
  int64_t bits;
  std::memcpy(&bits, x, 8);
  const __m128i v = _mm_cvtsi64_si128(bits);
  return std::is_signed_v<T> ? _mm256_cvtepi8_epi32(v) : _mm256_cvtepu8_epi32(v);
}

template <typename T>
void reference_mean(const ref::MeanQuantParams& p, const T* input, T* output, size_t begin,
                    size_t end) {
  if constexpr (std::is_signed_v<T>) {
    ref::qs8_mean__reference(p, input, output, begin, end);
  } else {
    ref::qu8_mean__reference(p, input, output, begin, end);
  }
}

// Eight neighbouring outputs (stride 1 in the input) per step.
template <typename T>
void mean_across_outputs(const ref::MeanQuantParams& p, const T* input, T* output, size_t begin,
                         size_t end) {
  const size_t inner = static_cast<size_t>(p.kept_dims[p.kept_rank - 1]);
  const __m256i centering = _mm256_set1_epi32(p.count * p.input_zero_point);
  const __m256i multiplier = _mm256_set1_epi32(p.requantizer.multiplier);
  const __m256i shift = _mm256_set1_epi32(p.requantizer.shift);
  const __m256 scale = _mm256_set1_ps(p.requantizer.scale);
  // uint8 outputs are stored as int8 after subtracting 128 from the clamped
  // values (the narrowing packs are signed), and get it back by XOR.
  const int32_t bias = std::is_signed_v<T> ? 0 : 128;
  const __m128i unbias = _mm_set1_epi8(static_cast<char>(bias));
  size_t o = begin;
  while (o < end) {
    // Eight outputs that stay within one run of the contiguous dimension.
    if (o + 8 > end || o % inner + 8 > inner) {
      const size_t run_end = std::min(end, o - o % inner + inner);
      reference_mean(p, input, output, o, run_end);
      o = run_end;
      continue;
    }
    __m256i sum = _mm256_setzero_si256();
    ref::for_each_reduced(p, ref::reduce_output_base(p, o), [&](size_t offset) {
      sum = _mm256_add_epi32(sum, widen8(input + offset));
    });
    const __m256i v = avx2::offset_and_clamp(
        avx2::requant(_mm256_sub_epi32(sum, centering), p.profile, multiplier, shift, scale),
        p.output_zero_point - bias, p.act_min - bias, p.act_max - bias);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(output + o),
                     _mm_xor_si128(avx2::narrow_to_int8(v), unbias));
    o += 8;
  }
}

// Each output sums whole runs of the innermost (contiguous) reduced
// dimension, 32 bytes per step as four 64-bit sums of absolute differences
// from zero (int8 bytes XOR 0x80 read as uint8, the 128s taken back after).
template <typename T>
void mean_of_runs(const ref::MeanQuantParams& p, const T* input, T* output, size_t begin,
                  size_t end) {
  const size_t run = static_cast<size_t>(p.reduced_dims[p.reduced_rank - 1]);
  ref::ReduceGeometry runs = p;  // the reduced dimensions but the innermost
  runs.reduced_rank -= 1;
  runs.count = p.count / static_cast<int32_t>(run);
  const uint8_t flip = std::is_signed_v<T> ? 0x80 : 0;
  const __m256i flips = _mm256_set1_epi8(static_cast<char>(flip));
  const int32_t unflip = std::is_signed_v<T> ? 128 * p.count : 0;
  for (size_t o = begin; o < end; ++o) {
    __m256i sums = _mm256_setzero_si256();
    int32_t tail = 0;
    ref::for_each_reduced(runs, ref::reduce_output_base(p, o), [&](size_t at) {
      const auto* x = reinterpret_cast<const uint8_t*>(input + at);
      size_t i = 0;
      for (; i + 32 <= run; i += 32) {
        const __m256i v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i)), flips);
        sums = _mm256_add_epi64(sums, _mm256_sad_epu8(v, _mm256_setzero_si256()));
      }
      for (; i < run; ++i) tail += x[i] ^ flip;
    });
    const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
    const int64_t vector_sum = _mm_cvtsi128_si64(_mm_add_epi64(half, _mm_unpackhi_epi64(half, half)));
    const int32_t sum = static_cast<int32_t>(vector_sum) + tail - unflip;
    output[o] = static_cast<T>(ref::requantize_to_output(sum - p.count * p.input_zero_point,
                                                         p.requantizer, p.profile,
                                                         p.output_zero_point, p.act_min, p.act_max));
  }
}

template <typename T>
void mean_avx2(const ref::MeanQuantParams& p, const T* input, T* output, size_t begin, size_t end) {
  if (p.kept_rank >= 1 && p.kept_strides[p.kept_rank - 1] == 1) {
    mean_across_outputs(p, input, output, begin, end);
  } else if (p.reduced_rank >= 1 && p.reduced_strides[p.reduced_rank - 1] == 1) {
    mean_of_runs(p, input, output, begin, end);
  } else {
    reference_mean(p, input, output, begin, end);
  }
}

}  // namespace

void qs8_mean__avx2(const ref::MeanQuantParams& p, const int8_t* input, int8_t* output,
                    size_t begin, size_t end) {
  mean_avx2(p, input, output, begin, end);
}

void qu8_mean__avx2(const ref::MeanQuantParams& p, const uint8_t* input, uint8_t* output,
                    size_t begin, size_t end) {
  mean_avx2(p, input, output, begin, end);
}

}  // namespace lowbit
