// Binary output stages with AVX2, eight channels per vector; tails use masked
// loads (maskload never touches memory past the row) and partial stores.
#include <immintrin.h>

#include <cstring>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

inline __m256i tail_mask(size_t n) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(n)), lanes);
}

inline __m256i load_ints(const int32_t* p, size_t n) {
  return n >= 8 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))
                : _mm256_maskload_epi32(p, tail_mask(n));
}

inline __m256 load_floats(const float* p, size_t n) {
  return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, tail_mask(n));
}

inline __m256i doubled_accumulator(const int32_t* popcounts, const int32_t* correction, size_t n) {
  const __m256i pc = load_ints(popcounts, n);
  const __m256i d = _mm256_add_epi32(pc, pc);
  return correction != nullptr ? _mm256_add_epi32(d, load_ints(correction, n)) : d;
}

// The reference transform: clamp, convert, multiply, then add. The empty asm
// hides the product from the compiler so -mfma cannot contract it into an FMA.
inline __m256 transform(__m256i d, const BinOutputStageParams& params, size_t c, size_t n) {
  const __m256i clamped = _mm256_min_epi32(_mm256_max_epi32(d, _mm256_set1_epi32(params.clamp_min)),
                                           _mm256_set1_epi32(params.clamp_max));
  __m256 product = _mm256_mul_ps(_mm256_cvtepi32_ps(clamped), load_floats(params.multiplier + c, n));
  asm("" : "+x"(product));
  return _mm256_add_ps(product, load_floats(params.bias + c, n));
}

// Saturates to [-128, 127] (NaN to -128, as the reference), then rounds half
// away from zero: y - trunc(y) is exact, so ties are seen exactly.
inline __m256i round_to_int8_range(__m256 y) {
  y = _mm256_min_ps(_mm256_max_ps(y, _mm256_set1_ps(-128.0f)), _mm256_set1_ps(127.0f));
  const __m256 truncated = _mm256_round_ps(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 sign_bit = _mm256_set1_ps(-0.0f);
  const __m256 fraction = _mm256_andnot_ps(sign_bit, _mm256_sub_ps(y, truncated));
  const __m256 away = _mm256_and_ps(_mm256_cmp_ps(fraction, _mm256_set1_ps(0.5f), _CMP_GE_OQ),
                                    _mm256_or_ps(_mm256_set1_ps(1.0f), _mm256_and_ps(y, sign_bit)));
  return _mm256_cvttps_epi32(_mm256_add_ps(truncated, away));
}

}  // namespace

void bin_output_float__avx2(size_t channels, const int32_t* popcounts, const int32_t* correction,
                            const BinOutputStageParams& params, void* output) {
  float* out = static_cast<float*>(output);
  for (size_t c = 0; c < channels; c += 8) {
    const size_t n = channels - c;
    const __m256 y =
        transform(doubled_accumulator(popcounts + c, correction ? correction + c : nullptr, n),
                  params, c, n);
    if (n >= 8) {
      _mm256_storeu_ps(out + c, y);
    } else {
      _mm256_maskstore_ps(out + c, tail_mask(n), y);
    }
  }
}

void bin_output_int8__avx2(size_t channels, const int32_t* popcounts, const int32_t* correction,
                           const BinOutputStageParams& params, void* output) {
  int8_t* out = static_cast<int8_t*>(output);
  for (size_t c = 0; c < channels; c += 8) {
    const size_t n = channels - c;
    const __m256i q = round_to_int8_range(
        transform(doubled_accumulator(popcounts + c, correction ? correction + c : nullptr, n),
                  params, c, n));
    // Values are already in int8 range: the saturating packs only narrow.
    const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(q, q), q);
    const uint64_t packed =
        uint64_t(uint32_t(_mm_cvtsi128_si32(_mm256_castsi256_si128(bytes)))) |
        uint64_t(uint32_t(_mm_cvtsi128_si32(_mm256_extracti128_si256(bytes, 1)))) << 32;
    std::memcpy(out + c, &packed, n >= 8 ? 8 : n);
  }
}

void bin_output_bits__avx2(size_t channels, const int32_t* popcounts, const int32_t* correction,
                           const BinOutputStageParams& params, void* output) {
  uint32_t* out = static_cast<uint32_t*>(output);
  for (size_t word = 0; word * 32 < channels; ++word) {
    uint32_t bits = 0;
    for (size_t part = 0; part < 4; ++part) {
      const size_t c = word * 32 + part * 8;
      if (c >= channels) break;
      const size_t n = channels - c;
      const __m256i d = doubled_accumulator(popcounts + c, correction ? correction + c : nullptr, n);
      __m256i above = _mm256_cmpgt_epi32(d, load_ints(params.doubled_threshold + c, n));
      if (n < 8) above = _mm256_and_si256(above, tail_mask(n));
      bits |= uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(above))) << (part * 8);
    }
    out[word] = bits;
  }
}

}  // namespace lowbit
