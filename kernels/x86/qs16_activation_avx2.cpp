// int16 (16x8) LOGISTIC and TANH, eight lanes at a time, bit-exact with
// kernels/reference/qs16_activation.cpp: the same input scaling, and one
// 32-bit gather at 2-byte stride that reads each lane's table entry and its
// right neighbour together (entries 254 and 255 at most, so never past the
// table). The tail runs the reference.
#include <immintrin.h>

#include "kernels/qs8_math.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 8;

// Eight inputs in units of 1/(3 * 4096), as ref::scaled_input.
inline __m256i scaled_input(const ref::Qs16SigmoidParams& p, const int16_t* in) {
  const __m256i x = _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)));
  const int32_t round = p.input_left_shift > 0 ? int32_t{1} << (p.input_left_shift - 1) : 0;
  const __m256i v = _mm256_add_epi32(_mm256_mullo_epi32(x, _mm256_set1_epi32(p.input_multiplier)),
                                     _mm256_set1_epi32(round));
  return _mm256_sra_epi32(v, _mm_cvtsi32_si128(p.input_left_shift));
}

// The table interpolated at |v| / 2^kFractionBits entries; `saturated` past it.
template <int kFractionBits>
inline __m256i interpolate(__m256i magnitude, int32_t saturated) {
  const __m256i index = _mm256_srli_epi32(magnitude, kFractionBits);
  const __m256i past = _mm256_cmpgt_epi32(index, _mm256_set1_epi32(254));
  const __m256i pair = _mm256_i32gather_epi32(reinterpret_cast<const int*>(ref::kSigmoidTable),
                                              _mm256_min_epu32(index, _mm256_set1_epi32(254)), 2);
  const __m256i lo = _mm256_and_si256(pair, _mm256_set1_epi32(0xFFFF));
  const __m256i hi = _mm256_srli_epi32(pair, 16);
  const __m256i fraction =
      _mm256_and_si256(magnitude, _mm256_set1_epi32((1 << kFractionBits) - 1));
  const __m256i value = _mm256_add_epi32(_mm256_slli_epi32(lo, kFractionBits),
                                         _mm256_mullo_epi32(fraction, _mm256_sub_epi32(hi, lo)));
  return _mm256_blendv_epi8(value, _mm256_set1_epi32(saturated), past);
}

inline void store8(__m256i v, int16_t* out) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                   _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}

// The steps LOGISTIC and TANH share: the scaled input, the table interpolated
// at its magnitude, then finish(sigmoid, lanes below zero) gives the eight
// results; the tail runs `reference`.
template <int kFractionBits, int32_t kSaturated, typename Finish>
void sigmoid_lanes(const ref::Qs16SigmoidParams& p, size_t n, const int16_t* input,
                   int16_t* output, const Finish& finish, ref::Qs16SigmoidFn reference) {
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) {
    const __m256i v = scaled_input(p, input + i);
    const __m256i sigmoid = interpolate<kFractionBits>(_mm256_abs_epi32(v), kSaturated);
    store8(finish(sigmoid, _mm256_cmpgt_epi32(_mm256_setzero_si256(), v)), output + i);
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

}  // namespace

void qs16_logistic__avx2(const ref::Qs16SigmoidParams& p, size_t n, const int16_t* input,
                         int16_t* output) {
  // sigmoid(-x) = 1 - sigmoid(x), each rounded back to 0.15 as the reference.
  sigmoid_lanes<9, (0x7FFF << 10)>(
      p, n, input, output,
      [](__m256i sigmoid, __m256i negative) {
        const __m256i above = _mm256_add_epi32(sigmoid, _mm256_set1_epi32(1 << 9));
        const __m256i below =
            _mm256_sub_epi32(_mm256_set1_epi32((1 << (16 + 9)) + (1 << 9) - 1), sigmoid);
        return _mm256_srli_epi32(_mm256_blendv_epi8(above, below, negative), 10);
      },
      ref::qs16_logistic__reference);
}

void qs16_tanh__avx2(const ref::Qs16SigmoidParams& p, size_t n, const int16_t* input,
                     int16_t* output) {
  // 2 sigmoid - 1, rounded to 0.15.
  sigmoid_lanes<8, (0xFFFF << 8)>(
      p, n, input, output,
      [](__m256i sigmoid, __m256i negative) {
        const __m256i above =
            _mm256_add_epi32(sigmoid, _mm256_set1_epi32(-(1 << (14 + 9)) + (1 << (9 - 2))));
        const __m256i below =
            _mm256_sub_epi32(_mm256_set1_epi32((1 << (14 + 9)) + (1 << (9 - 2)) - 1), sigmoid);
        return _mm256_srai_epi32(_mm256_blendv_epi8(above, below, negative), 9 - 1);
      },
      ref::qs16_tanh__reference);
}

}  // namespace lowbit
