// int8/uint8 PRELU and int8 SQUARED_DIFFERENCE with AVX2, eight outputs per
// step, bit-exact with kernels/reference/qs8_math.cpp: both use TFLite's
// MultiplyByQuantizedMultiplier (double rounding, ties away from zero) in
// every profile, which the GEMM's vector requantization reproduces lane for
// lane. Runs with strides 0 (a broadcast value) or 1 are vectorised; other
// strides and each run's tail go through the reference (ref::binary_steps).
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_math.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 8;

// Eight bytes from x (stride 1) or one repeated (stride 0), each XOR flip,
// widened to int32 lanes, minus the zero point.
__m256i centered8(const int8_t* x, size_t stride, uint8_t flip, __m256i zero_point) {
  if (stride == 0) {
    return _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int8_t>(*x ^ flip)), zero_point);
  }
  int64_t bits;
  std::memcpy(&bits, x, 8);
  const __m128i flips = _mm_set1_epi8(static_cast<char>(flip));
  return _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_xor_si128(_mm_cvtsi64_si128(bits), flips)),
                          zero_point);
}

// TFLite's MultiplyByQuantizedMultiplier of one multiplier, its terms once.
avx2::DoubleRoundingTerms tflite_rescale(const ref::QuantizedMultiplier& m) {
  avx2::DoubleRoundingTerms terms;
  terms.set(_mm256_set1_epi32(m.multiplier), _mm256_set1_epi32(m.shift),
            RequantProfile::kTfliteReference);
  return terms;
}

// r + zero_point (wrapping as the reference's int32 addition), clamped to
// int8, XOR flip, stored as eight bytes.
void store8(__m256i r, __m256i zero_point, uint8_t flip, int8_t* out) {
  r = _mm256_add_epi32(r, zero_point);
  r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(-128)), _mm256_set1_epi32(127));
  const __m128i bytes = _mm_xor_si128(avx2::narrow_to_int8(r), _mm_set1_epi8(static_cast<char>(flip)));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
}

}  // namespace

void qs8_prelu__avx2(const ref::Qs8PreluParams& p, size_t n, const int8_t* x, size_t x_stride,
                     const int8_t* alpha, size_t alpha_stride, int8_t* output) {
  const avx2::DoubleRoundingTerms positive = tflite_rescale(p.positive);
  const avx2::DoubleRoundingTerms negative = tflite_rescale(p.negative);
  const __m256i zero_points[] = {_mm256_set1_epi32(p.input_zero_point),
                                 _mm256_set1_epi32(p.alpha_zero_point),
                                 _mm256_set1_epi32(p.output_zero_point)};
  ref::binary_steps<kStep>(
      p, n, x, x_stride, alpha, alpha_stride, output, ref::qs8_prelu__reference,
      [&](const int8_t* xs, const int8_t* alphas, int8_t* out) {
        const __m256i v = centered8(xs, x_stride, p.sign_flip, zero_points[0]);
        const __m256i a = centered8(alphas, alpha_stride, p.sign_flip, zero_points[1]);
        const __m256i below = _mm256_cmpgt_epi32(_mm256_setzero_si256(), v);
        const __m256i r = _mm256_blendv_epi8(
            positive.apply<false>(v), negative.apply<false>(_mm256_mullo_epi32(v, a)), below);
        store8(r, zero_points[2], p.sign_flip, out);
      });
}

void qs8_squared_difference__avx2(const ref::Qs8SquaredDifferenceParams& p, size_t n,
                                  const int8_t* a, size_t a_stride, const int8_t* b,
                                  size_t b_stride, int8_t* output) {
  const avx2::DoubleRoundingTerms rescales[] = {tflite_rescale(p.a), tflite_rescale(p.b),
                                                tflite_rescale(p.output)};
  const __m256i zero_points[] = {_mm256_set1_epi32(p.a_zero_point),
                                 _mm256_set1_epi32(p.b_zero_point),
                                 _mm256_set1_epi32(p.output_zero_point)};
  ref::binary_steps<kStep>(
      p, n, a, a_stride, b, b_stride, output, ref::qs8_squared_difference__reference,
      [&](const int8_t* as, const int8_t* bs, int8_t* out) {
        // Lifted by 2^7 onto the common scale, as the reference.
        const __m256i sa = rescales[0].apply<false>(
            _mm256_slli_epi32(centered8(as, a_stride, 0, zero_points[0]), 7));
        const __m256i sb = rescales[1].apply<false>(
            _mm256_slli_epi32(centered8(bs, b_stride, 0, zero_points[1]), 7));
        const __m256i diff = _mm256_sub_epi32(sa, sb);
        store8(rescales[2].apply<false>(_mm256_mullo_epi32(diff, diff)), zero_points[2], 0, out);
      });
}

}  // namespace lowbit
