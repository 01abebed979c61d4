// int8 ADD and MUL, eight outputs per step, bit-exact with
// kernels/reference/qs8_elementwise.cpp in every profile: the fixed-point
// steps reuse the GEMM's vector requantization, whose results equal
// ref::requantize lane for lane.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_elementwise.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 8;

// Eight int8 values widened to int32: contiguous (stride 1) or one value
// repeated (stride 0).
inline __m256i load8(const int8_t* p, size_t stride) {
  if (stride == 0) return _mm256_set1_epi32(*p);
  int64_t bits;
  std::memcpy(&bits, p, 8);
  return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits));
}

inline __m256i requantize8(__m256i acc, const ref::Requantizer& r, RequantProfile profile) {
  switch (profile) {
    case RequantProfile::kSingleRounding:
      return avx2::requant_single_rounding(acc, _mm256_set1_epi32(r.multiplier),
                                           _mm256_set1_epi32(r.shift));
    case RequantProfile::kXnnpackFp32:
      return avx2::requant_fp32(acc, _mm256_set1_ps(r.scale));
    case RequantProfile::kTfliteReference:
    default:
      return avx2::requant_double_rounding(acc, _mm256_set1_epi32(r.multiplier),
                                           _mm256_set1_epi32(r.shift));
  }
}

// Adds the zero point, clamps and stores eight int8. The first clamp keeps
// the addition from overflowing; it cannot change a result the activation
// clamp keeps, as in ref::requantize_and_clamp.
inline void store8(__m256i v, int32_t zero_point, int32_t lo, int32_t hi, int8_t* out) {
  v = _mm256_max_epi32(v, _mm256_set1_epi32(-ref::kRequantizedLimit));
  v = _mm256_min_epi32(v, _mm256_set1_epi32(ref::kRequantizedLimit));
  v = _mm256_add_epi32(v, _mm256_set1_epi32(zero_point));
  v = _mm256_max_epi32(v, _mm256_set1_epi32(lo));
  v = _mm256_min_epi32(v, _mm256_set1_epi32(hi));
  const __m256i p16 = _mm256_packs_epi32(v, v);
  const __m256i p8 = _mm256_packs_epi16(p16, p16);
  const __m128i bytes =
      _mm_unpacklo_epi32(_mm256_castsi256_si128(p8), _mm256_extracti128_si256(p8, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
}

inline bool vectorisable(size_t a_stride, size_t b_stride) {
  return a_stride <= 1 && b_stride <= 1;
}

}  // namespace

void qs8_add__avx2(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output) {
  size_t i = 0;
  if (vectorisable(a_stride, b_stride)) {
    const __m256i a_zp = _mm256_set1_epi32(p.a_zero_point);
    const __m256i b_zp = _mm256_set1_epi32(p.b_zero_point);
    if (p.profile == RequantProfile::kXnnpackFp32) {
      const __m256i a_m = _mm256_set1_epi32(p.xnn_a_multiplier);
      const __m256i b_m = _mm256_set1_epi32(p.xnn_b_multiplier);
      const __m256i rounding = _mm256_set1_epi32(int32_t{1} << (p.xnn_shift - 1));
      const __m128i shift = _mm_cvtsi32_si128(p.xnn_shift);
      for (; i + kStep <= n; i += kStep) {
        const __m256i acc = _mm256_add_epi32(
            _mm256_mullo_epi32(_mm256_sub_epi32(load8(a + i * a_stride, a_stride), a_zp), a_m),
            _mm256_mullo_epi32(_mm256_sub_epi32(load8(b + i * b_stride, b_stride), b_zp), b_m));
        store8(_mm256_sra_epi32(_mm256_add_epi32(acc, rounding), shift), p.output_zero_point,
               p.act_min, p.act_max, output + i);
      }
    } else {
      const __m128i lift = _mm_cvtsi32_si128(p.left_shift);
      for (; i + kStep <= n; i += kStep) {
        const __m256i a_lifted =
            _mm256_sll_epi32(_mm256_sub_epi32(load8(a + i * a_stride, a_stride), a_zp), lift);
        const __m256i b_lifted =
            _mm256_sll_epi32(_mm256_sub_epi32(load8(b + i * b_stride, b_stride), b_zp), lift);
        const __m256i sum = _mm256_add_epi32(requantize8(a_lifted, p.a, p.profile),
                                             requantize8(b_lifted, p.b, p.profile));
        store8(requantize8(sum, p.output, p.profile), p.output_zero_point, p.act_min, p.act_max,
               output + i);
      }
    }
  }
  if (i < n) {
    ref::qs8_add__reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride,
                            output + i);
  }
}

void qs8_mul__avx2(const ref::Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                   const int8_t* b, size_t b_stride, int8_t* output) {
  size_t i = 0;
  if (vectorisable(a_stride, b_stride)) {
    const __m256i a_zp = _mm256_set1_epi32(p.a_zero_point);
    const __m256i b_zp = _mm256_set1_epi32(p.b_zero_point);
    for (; i + kStep <= n; i += kStep) {
      const __m256i product =
          _mm256_mullo_epi32(_mm256_sub_epi32(load8(a + i * a_stride, a_stride), a_zp),
                             _mm256_sub_epi32(load8(b + i * b_stride, b_stride), b_zp));
      store8(requantize8(product, p.output, p.profile), p.output_zero_point, p.act_min,
             p.act_max, output + i);
    }
  }
  if (i < n) {
    ref::qs8_mul__reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride,
                            output + i);
  }
}

}  // namespace lowbit
