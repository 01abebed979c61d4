// RESIZE_BILINEAR for int8 (TFLite's 10-bit fixed point), uint8 and float32
// (TFLite's float formula) with AVX2, 8 channels at a time, through the reference's
// row loop and sampling (ref::bilinear_rows) and the same arithmetic in the
// same order, so results are identical. The last channels of a pixel are a
// final 8-channel step overlapping the previous one (recomputing a channel
// writes the same value); pixels under 8 channels use the reference's
// (ref::bilinear_pixel_*).
#include <immintrin.h>

#include "kernels/resize.h"

namespace lowbit {
namespace {

__m256i load_8_s8(const int8_t* p) {
  return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

__m256 load_8_as_float(const uint8_t* p) {
  return _mm256_cvtepi32_ps(
      _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}
__m256 load_8_as_float(const float* p) { return _mm256_loadu_ps(p); }

// (sum + sign(sum) * 2^19) / 2^20 with C's truncating division.
__m256i round_shift_20(__m256i sum) {
  const __m256i positive = _mm256_cmpgt_epi32(sum, _mm256_setzero_si256());
  const __m256i half =
      _mm256_blendv_epi8(_mm256_set1_epi32(-(1 << 19)), _mm256_set1_epi32(1 << 19), positive);
  const __m256i t = _mm256_add_epi32(sum, half);
  return _mm256_sign_epi32(_mm256_srli_epi32(_mm256_abs_epi32(t), 20), t);
}

// 8 int32 lanes (each already within the output type) to 8 bytes.
void store_8(int8_t* out, __m256i v) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(words, words));
}
void store_8(uint8_t* out, __m256i v) {
  const __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(words, words));
}

// The float sum (rounding already added) as the output type: truncated to
// uint8 (within [0, 255] by construction), or stored as is.
void store_8_from_float(uint8_t* out, __m256 v) { store_8(out, _mm256_cvttps_epi32(v)); }
void store_8_from_float(float* out, __m256 v) { _mm256_storeu_ps(out, v); }

// TFLite's float formula (ResizeBilinear<T>): value * y weight * x weight per
// corner, summed left to right, + rounding (0.5 for uint8, 0 for float: the
// reference adds it too, which turns a -0 sum into +0), in the reference's
// order with separate multiplies and adds (no FMA).
template <typename T>
void bilinear_float__avx2(const ref::ResizeParams& p, const T* input, T* output,
                          size_t row_begin, size_t row_end, float rounding) {
  const __m256 vround = _mm256_set1_ps(rounding);
  ref::bilinear_float_simd<8>(p, input, output, row_begin, row_end, rounding,
                              [vround](T* out, const T* tl, const T* bl, const T* tr,
                                       const T* br, const ref::FloatWeights& w) {
    const __m256 vdy = _mm256_set1_ps(w.dy), vry = _mm256_set1_ps(w.ry);
    const __m256 vdx = _mm256_set1_ps(w.dx), vrx = _mm256_set1_ps(w.rx);
    __m256 v = _mm256_mul_ps(_mm256_mul_ps(load_8_as_float(tl), vry), vrx);
    v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(load_8_as_float(bl), vdy), vrx));
    v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(load_8_as_float(tr), vry), vdx));
    v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(load_8_as_float(br), vdy), vdx));
    store_8_from_float(out, _mm256_add_ps(v, vround));
  });
}

}  // namespace

void qs8_resize_bilinear__avx2(const ref::ResizeParams& p, const int8_t* input, int8_t* output,
                               size_t row_begin, size_t row_end) {
  ref::bilinear_10bit_simd<8>(p, input, output, row_begin, row_end,
                              [](int8_t* out, const int8_t* tl, const int8_t* bl, const int8_t* tr,
                                 const int8_t* br, const ref::CornerWeights& w) {
    __m256i sum = _mm256_mullo_epi32(load_8_s8(tl), _mm256_set1_epi32(w.top_left));
    sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(load_8_s8(bl), _mm256_set1_epi32(w.bottom_left)));
    sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(load_8_s8(tr), _mm256_set1_epi32(w.top_right)));
    sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(load_8_s8(br), _mm256_set1_epi32(w.bottom_right)));
    store_8(out, round_shift_20(sum));
  });
}

void qu8_resize_bilinear__avx2(const ref::ResizeParams& p, const uint8_t* input,
                               uint8_t* output, size_t row_begin, size_t row_end) {
  bilinear_float__avx2(p, input, output, row_begin, row_end, 0.5f);
}

void f32_resize_bilinear__avx2(const ref::ResizeParams& p, const float* input, float* output,
                               size_t row_begin, size_t row_end) {
  bilinear_float__avx2(p, input, output, row_begin, row_end, 0.0f);
}

}  // namespace lowbit
