// CAST's common conversions (kernels/cast.h), eight values per vector; the
// tail goes through the reference. CVTDQ2PS rounds as the scalar conversion
// does (one MXCSR for both); CVTTPS2DQ truncates and gives INT32_MIN for NaN
// and out-of-range lanes, which is right for those below -2^31 and flipped to
// INT32_MAX (all bits inverted) for NaN and those at 2^31 or above.
#include <immintrin.h>

#include <cstring>

#include "kernels/cast.h"

namespace lowbit {
namespace {

__m128i load8_bytes(const void* p) {
  int64_t bits;
  std::memcpy(&bits, p, 8);
  return _mm_cvtsi64_si128(bits);
}

}  // namespace

void u8_f32_cast__avx2(const ref::CastParams&, size_t n, const uint8_t* input, float* output) {
  cast_in_steps<8>(n, input, output, ref::u8_f32_cast__reference,
                   [](const uint8_t* in, float* out) {
    _mm256_storeu_ps(out, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(load8_bytes(in))));
  });
}

void s8_f32_cast__avx2(const ref::CastParams&, size_t n, const int8_t* input, float* output) {
  cast_in_steps<8>(n, input, output, ref::s8_f32_cast__reference,
                   [](const int8_t* in, float* out) {
    _mm256_storeu_ps(out, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(load8_bytes(in))));
  });
}

void s32_f32_cast__avx2(const ref::CastParams&, size_t n, const int32_t* input, float* output) {
  cast_in_steps<8>(n, input, output, ref::s32_f32_cast__reference,
                   [](const int32_t* in, float* out) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
    _mm256_storeu_ps(out, _mm256_cvtepi32_ps(v));
  });
}

void f32_s32_cast__avx2(const ref::CastParams&, size_t n, const float* input, int32_t* output) {
  cast_in_steps<8>(n, input, output, ref::f32_s32_cast__reference,
                   [](const float* in, int32_t* out) {
    const __m256 x = _mm256_loadu_ps(in);
    const __m256 too_high = _mm256_cmp_ps(x, _mm256_set1_ps(0x1.0p31f), _CMP_NLT_UQ);
    const __m256i t = _mm256_xor_si256(_mm256_cvttps_epi32(x), _mm256_castps_si256(too_high));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), t);
  });
}

}  // namespace lowbit
