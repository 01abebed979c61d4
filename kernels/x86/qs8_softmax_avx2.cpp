// AVX2 int8 SOFTMAX, bit-exact with kernels/reference/qs8_softmax.cpp.
// Both forms look values up by d = row_max - x in [0, 255] with 8-lane
// gathers; the fixed-point form's integer sum is order-free, the float
// form's sum stays sequential.
#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "kernels/qs8_softmax.h"
#include "kernels/reference/qs8_logistic_fixedpoint.h"

namespace lowbit {
namespace {

int32_t row_maximum(const int8_t* in, size_t n) {
  size_t c = 0;
  __m256i best = _mm256_set1_epi8(-128);
  for (; c + 32 <= n; c += 32) {
    best = _mm256_max_epi8(best, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + c)));
  }
  __m128i m = _mm_max_epi8(_mm256_castsi256_si128(best), _mm256_extracti128_si256(best, 1));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 8));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 4));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 2));
  m = _mm_max_epi8(m, _mm_srli_si128(m, 1));
  int32_t result = static_cast<int8_t>(_mm_cvtsi128_si32(m));
  for (; c < n; ++c) result = std::max<int32_t>(result, in[c]);
  return result;
}

// d = row_max - x for eight consecutive inputs.
inline __m256i differences8(const int8_t* in, __m256i row_max) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in));
  return _mm256_sub_epi32(row_max, _mm256_cvtepi8_epi32(bytes));
}

// Eight int32 values already inside [-128, 127] stored as bytes.
inline void store8(int8_t* out, __m256i v) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(words, words));
}

inline int32_t clamp_int8(int32_t q) { return q < -128 ? -128 : (q > 127 ? 127 : q); }

// gemmlowp's rounding divide by 2^shift for x >= 0 and 0 < shift <= 31.
inline int32_t round_shift(int32_t x, int shift) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << shift) - 1);
  return (x >> shift) + ((x & mask) > (mask >> 1) ? 1 : 0);
}

}  // namespace

void qs8_softmax__avx2(const ref::Qs8SoftmaxParams& p, size_t rows, size_t row_size,
                       const int8_t* input, int8_t* output) {
  constexpr int kAccumulationIntegerBits = 12;
  const int32_t* exp_table = p.fixed_exp_table;
  const int32_t* sum_table = p.fixed_exp_table + 256;
  for (size_t r = 0; r < rows && row_size > 0; ++r) {
    const int8_t* in = input + r * row_size;
    int8_t* out = output + r * row_size;
    const int32_t row_max = row_maximum(in, row_size);
    const __m256i vmax = _mm256_set1_epi32(row_max);
    // Integer sum: any order gives the reference's value (no overflow for
    // rows of at most 4095, which the operator enforces).
    __m256i vsum = _mm256_setzero_si256();
    size_t c = 0;
    for (; c + 8 <= row_size; c += 8) {
      vsum = _mm256_add_epi32(vsum, _mm256_i32gather_epi32(sum_table, differences8(in + c, vmax), 4));
    }
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(vsum), _mm256_extracti128_si256(vsum, 1));
    s = _mm_add_epi32(s, _mm_srli_si128(s, 8));
    s = _mm_add_epi32(s, _mm_srli_si128(s, 4));
    int32_t sum_of_exps = _mm_cvtsi128_si32(s);
    for (; c < row_size; ++c) sum_of_exps += sum_table[row_max - in[c]];

    // The reciprocal exactly as the reference computes it. The row maximum
    // contributes exp(0) = 1.0, so the sum is positive.
    const int headroom_plus_one = __builtin_clz(static_cast<uint32_t>(sum_of_exps));
    const int num_bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
    const int32_t shifted_sum_minus_one = static_cast<int32_t>(
        (static_cast<uint32_t>(sum_of_exps) << headroom_plus_one) - (uint32_t{1} << 31));
    const int32_t reciprocal =
        ref::fixed_point::one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
    const int output_shift = num_bits_over_unit + 31 - 8;
    if (output_shift > 31) {
      // The reference's quotient rounds to 0 for every element: all -128.
      for (c = 0; c < row_size; ++c) out[c] = -128;
      continue;
    }
    // probability = (reciprocal * exp + 2^30) >> 31 (both factors >= 0, so
    // the doubling high multiply needs no sign handling), then a rounding
    // shift by output_shift (23..31), minus 128, clamped.
    const __m256i vrecip = _mm256_set1_epi32(reciprocal);
    const __m256i half = _mm256_set1_epi64x(int64_t{1} << 30);
    const __m128i shift = _mm_cvtsi32_si128(output_shift);
    const __m256i mask = _mm256_set1_epi32(static_cast<int32_t>((int64_t{1} << output_shift) - 1));
    const __m256i threshold = _mm256_srli_epi32(mask, 1);
    const __m256i offset = _mm256_set1_epi32(128);
    for (c = 0; c + 8 <= row_size; c += 8) {
      const __m256i e = _mm256_i32gather_epi32(exp_table, differences8(in + c, vmax), 4);
      const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epu32(e, vrecip), half), 31);
      const __m256i odd = _mm256_srli_epi64(
          _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(e, 32), vrecip), half), 31);
      const __m256i prob = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
      const __m256i rounded = _mm256_sub_epi32(
          _mm256_srl_epi32(prob, shift), _mm256_cmpgt_epi32(_mm256_and_si256(prob, mask), threshold));
      const __m256i q = _mm256_min_epi32(_mm256_sub_epi32(rounded, offset), _mm256_set1_epi32(127));
      store8(out + c, q);
    }
    for (; c < row_size; ++c) {
      const int64_t product = int64_t{reciprocal} * exp_table[row_max - in[c]];
      const int32_t prob = static_cast<int32_t>((product + (int64_t{1} << 30)) >> 31);
      out[c] = static_cast<int8_t>(clamp_int8(round_shift(prob, output_shift) - 128));
    }
  }
}

void qs8_softmax_table__avx2(const ref::Qs8SoftmaxParams& p, size_t rows, size_t row_size,
                             const int8_t* input, int8_t* output) {
  constexpr float kOutputScale = 1.0f / 256;
  for (size_t r = 0; r < rows && row_size > 0; ++r) {
    const int8_t* in = input + r * row_size;
    int8_t* out = output + r * row_size;
    const int32_t row_max = row_maximum(in, row_size);
    // Entry for x is exp_table[255 - d]; the reference's order of additions.
    const float* table = p.exp_table + (255 - row_max);
    float sum = 0.0f;
    for (size_t c = 0; c < row_size; ++c) sum += table[in[c]];
    const float inverse = 1.0f / (sum * kOutputScale);
    // std::round (half away from zero) of a non-negative float: truncate, then
    // add one where the exact fraction x - trunc(x) is at least one half.
    const __m256 vinverse = _mm256_set1_ps(inverse);
    size_t c = 0;
    for (; c + 8 <= row_size; c += 8) {
      const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + c));
      const __m256 x = _mm256_mul_ps(_mm256_i32gather_ps(table, _mm256_cvtepi8_epi32(bytes), 4),
                                     vinverse);
      const __m256 t = _mm256_round_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
      const __m256 up = _mm256_cmp_ps(_mm256_sub_ps(x, t), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
      // The largest value is 256 (one entry holding the whole sum): no int32 overflow.
      const __m256i rounded = _mm256_sub_epi32(_mm256_cvttps_epi32(t), _mm256_castps_si256(up));
      const __m256i q = _mm256_min_epi32(_mm256_sub_epi32(rounded, _mm256_set1_epi32(128)),
                                         _mm256_set1_epi32(127));
      store8(out + c, _mm256_max_epi32(q, _mm256_set1_epi32(-128)));
    }
    for (; c < row_size; ++c) {
      const int32_t q = static_cast<int32_t>(std::round(table[in[c]] * inverse)) - 128;
      out[c] = static_cast<int8_t>(clamp_int8(q));
    }
  }
}

}  // namespace lowbit
