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

}  // namespace

void qs16_logistic__avx2(const ref::Qs16SigmoidParams& p, size_t n, const int16_t* input,
                         int16_t* output) {
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) {
    const __m256i v = scaled_input(p, input + i);
    const __m256i sigmoid = interpolate<9>(_mm256_abs_epi32(v), 0x7FFF << 10);
    // sigmoid(-x) = 1 - sigmoid(x), each rounded back to 0.15 as the reference.
    const __m256i positive = _mm256_add_epi32(sigmoid, _mm256_set1_epi32(1 << 9));
    const __m256i negative =
        _mm256_sub_epi32(_mm256_set1_epi32((1 << (16 + 9)) + (1 << 9) - 1), sigmoid);
    const __m256i result =
        _mm256_blendv_epi8(positive, negative, _mm256_cmpgt_epi32(_mm256_setzero_si256(), v));
    store8(_mm256_srli_epi32(result, 10), output + i);
  }
  if (i < n) ref::qs16_logistic__reference(p, n - i, input + i, output + i);
}

void qs16_tanh__avx2(const ref::Qs16SigmoidParams& p, size_t n, const int16_t* input,
                     int16_t* output) {
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) {
    const __m256i v = scaled_input(p, input + i);
    const __m256i sigmoid = interpolate<8>(_mm256_abs_epi32(v), 0xFFFF << 8);
    const __m256i positive =
        _mm256_add_epi32(sigmoid, _mm256_set1_epi32(-(1 << (14 + 9)) + (1 << (9 - 2))));
    const __m256i negative =
        _mm256_sub_epi32(_mm256_set1_epi32((1 << (14 + 9)) + (1 << (9 - 2)) - 1), sigmoid);
    const __m256i result =
        _mm256_blendv_epi8(positive, negative, _mm256_cmpgt_epi32(_mm256_setzero_si256(), v));
    store8(_mm256_srai_epi32(result, 9 - 1), output + i);
  }
  if (i < n) ref::qs16_tanh__reference(p, n - i, input + i, output + i);
}

}  // namespace lowbit
