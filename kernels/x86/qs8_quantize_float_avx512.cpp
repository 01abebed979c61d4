// QUANTIZE float32 -> int8/uint8 and DEQUANTIZE back, sixteen values per
// vector, the tail under a mask: the arithmetic of qs8_quantize_float_avx2.cpp
// (bit-exact with kernels/reference/qs8_quantize.cpp) in AVX-512, narrowed by
// VPMOVDB (exact: the values are already in the output type's range).
#include <immintrin.h>

#include <cmath>
#include <type_traits>

#include "kernels/qs8_quantize.h"

namespace lowbit {
namespace {

__mmask16 first_lanes(size_t count) {
  return static_cast<__mmask16>(count >= 16 ? 0xffffu : (1u << count) - 1u);
}

// Whether x / scale equals x * (1 / scale) for every float x: a power of two
// whose reciprocal is a normal float too (both operations round the same real
// number x * 2^-k, subnormal and overflowing results included).
bool reciprocal_is_exact(float scale) {
  const int exponent = std::ilogb(scale);
  return std::isnormal(scale) && scale > 0 && std::ldexp(1.0f, exponent) == scale &&
         exponent > -126 && exponent < 127;
}

// Sixteen quantized values (the first `count`) as bytes of the output type.
// (The broadcasts of the parameters leave the loop once inlined.) kMultiply:
// TFLite's x / scale as x * (1 / scale), where reciprocal_is_exact (a scale
// of 1 for a float model's image input): VDIVPS costs several VMULPS.
template <bool kXnnpackRounding, bool kMultiply = false>
__m128i quantize16(const ref::QuantizeParams& p, const float* input, size_t count) {
  const __m512 x = _mm512_maskz_loadu_ps(first_lanes(count), input);
  __m512 q = kXnnpackRounding ? _mm512_mul_ps(x, _mm512_set1_ps(p.inverse_scale))
             : kMultiply      ? _mm512_mul_ps(x, _mm512_set1_ps(1.0f / p.scale))
                              : _mm512_div_ps(x, _mm512_set1_ps(p.scale));
  q = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(q, q, _CMP_ORD_Q), q);  // NaN -> 0
  q = _mm512_max_ps(q, _mm512_set1_ps(static_cast<float>(p.qmin - p.zero_point)));
  q = _mm512_min_ps(q, _mm512_set1_ps(static_cast<float>(p.qmax - p.zero_point)));
  __m512i rounded;
  if (kXnnpackRounding) {
    rounded = _mm512_cvtps_epi32(q);  // MXCSR's mode, as nearbyint
  } else {
    const __m512 truncated = _mm512_roundscale_ps(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512 fraction = _mm512_sub_ps(q, truncated);  // exact
    const __mmask16 up = _mm512_cmp_ps_mask(fraction, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __mmask16 down = _mm512_cmp_ps_mask(fraction, _mm512_set1_ps(-0.5f), _CMP_LE_OQ);
    rounded = _mm512_cvttps_epi32(truncated);
    rounded = _mm512_mask_add_epi32(rounded, up, rounded, _mm512_set1_epi32(1));
    rounded = _mm512_mask_sub_epi32(rounded, down, rounded, _mm512_set1_epi32(1));
  }
  return _mm512_cvtepi32_epi8(_mm512_add_epi32(rounded, _mm512_set1_epi32(p.zero_point)));
}

// Needs no reference: the tail runs under a mask.
template <bool kXnnpackRounding, bool kMultiply, typename Out>
void quantize_loop(const ref::QuantizeParams& p, size_t n, const float* input, Out* output) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i),
                     quantize16<kXnnpackRounding, kMultiply>(p, input + i, 16));
  }
  if (i < n) {
    _mm_mask_storeu_epi8(output + i, first_lanes(n - i),
                         quantize16<kXnnpackRounding, kMultiply>(p, input + i, n - i));
  }
}

template <bool kXnnpackRounding, typename Out>
void quantize_avx512(const ref::QuantizeParams& p, size_t n, const float* input, Out* output,
                     ref::QuantizeFn<Out>) {
  if (!kXnnpackRounding && reciprocal_is_exact(p.scale)) {
    return quantize_loop<false, true>(p, n, input, output);
  }
  quantize_loop<kXnnpackRounding, false>(p, n, input, output);
}

template <typename In>
__m512i load16_as_int32(const In* p, __mmask16 lanes) {
  const __m128i bytes = _mm_maskz_loadu_epi8(lanes, p);
  return std::is_signed<In>::value ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
}

template <typename In>
void dequantize_avx512(const ref::DequantizeParams& p, size_t n, const In* input, float* output,
                       ref::DequantizeFn<In> reference) {
  if (!dequantize_is_float_product(p)) return reference(p, n, input, output);
  const __m512i zero_point = _mm512_set1_epi32(p.zero_point);
  const __m512 scale = _mm512_set1_ps(static_cast<float>(p.scale));
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 lanes = first_lanes(n - i);
    const __m512i centered = _mm512_sub_epi32(load16_as_int32(input + i, lanes), zero_point);
    _mm512_mask_storeu_ps(output + i, lanes, _mm512_mul_ps(_mm512_cvtepi32_ps(centered), scale));
  }
}

}  // namespace
}  // namespace lowbit

LOWBIT_DEFINE_QUANTIZE_FLOAT_ENTRIES(avx512, quantize_avx512, dequantize_avx512)
