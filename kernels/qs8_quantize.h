// QUANTIZE, DEQUANTIZE, RELU and RELU6: the variant tables of the
// kernels/reference/qs8_quantize.h kernels, and the SIMD variants of the
// integer requantization (QUANTIZE between integer types) and of the float
// conversions (QUANTIZE from float32, DEQUANTIZE to float32) with their
// signatures and results.
//
// The float -> int8/uint8 variants equal the reference for qmin <= qmax, both
// within the output type's range (what QUANTIZE sets): they clamp before
// rounding, which gives the reference's clamp(round(x)) because the bounds
// are integers and rounding is monotone, and then narrow values already in
// the output type's range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/isa.h"
#include "kernels/reference/qs8_quantize.h"

namespace lowbit {

// x86-64 (kernels/x86/):
ref::RequantizeSignature<int8_t, int8_t> qs8_requantize__avx2;
ref::RequantizeSignature<uint8_t, int8_t> qu8_qs8_requantize__avx2;
ref::RequantizeSignature<int8_t, uint8_t> qs8_qu8_requantize__avx2;
ref::RequantizeSignature<int8_t, int8_t> qs8_requantize__avx512;
ref::RequantizeSignature<uint8_t, int8_t> qu8_qs8_requantize__avx512;
ref::RequantizeSignature<int8_t, uint8_t> qs8_qu8_requantize__avx512;
ref::RequantizeSignature<uint8_t, uint8_t> qu8_requantize__avx512;

// QUANTIZE float32 -> int8/uint8 and DEQUANTIZE int8/uint8 -> float32:
// x86-64 (kernels/x86/qs8_quantize_float_{avx2,avx512}.cpp), aarch64
// (kernels/arm/qs8_quantize_float_neon.cpp: a true division and FCVTAS for
// TFLite's ties away from zero) and 32-bit ARM (qs8_quantize_float_armv7neon.cpp:
// no vector divide or rounding instruction, see kernels/arm/
// qs8_quantize_float_neon.h for how it stays exact).
using Qs8QuantizeSignature = ref::ConvertSignature<ref::QuantizeParams, float, int8_t>;
using Qu8QuantizeSignature = ref::ConvertSignature<ref::QuantizeParams, float, uint8_t>;
using Qs8DequantizeSignature = ref::ConvertSignature<ref::DequantizeParams, int8_t, float>;
using Qu8DequantizeSignature = ref::ConvertSignature<ref::DequantizeParams, uint8_t, float>;
Qs8QuantizeSignature qs8_quantize__avx2, qs8_quantize__avx512, qs8_quantize__neon,
    qs8_quantize__armv7neon;
Qu8QuantizeSignature qu8_quantize__avx2, qu8_quantize__avx512, qu8_quantize__neon,
    qu8_quantize__armv7neon;
Qs8DequantizeSignature qs8_dequantize__avx2, qs8_dequantize__avx512, qs8_dequantize__neon,
    qs8_dequantize__armv7neon;
Qu8DequantizeSignature qu8_dequantize__avx2, qu8_dequantize__avx512, qu8_dequantize__neon,
    qu8_dequantize__armv7neon;

// Whether DEQUANTIZE's float(double(scale) * (q - zp)) equals the float
// product float(scale) * float(q - zp) for every q of an 8-bit type, which
// the SIMD variants compute (they run the reference otherwise): the scale is a
// float (a tensor's scale always is), and q - zp fits float's 24-bit
// significand, so the double product of two at most 24-bit significands is
// exact and converting it to float rounds it once, as the float multiply
// does (overflow to infinity and subnormal results included).
inline bool dequantize_is_float_product(const ref::DequantizeParams& p) {
  constexpr int32_t kExactInts = 1 << 24;
  return static_cast<double>(static_cast<float>(p.scale)) == p.scale &&
         p.zero_point > -kExactInts + 256 && p.zero_point < kExactInts - 256;
}

// f(std::true_type) for XNNPACK's rounding, f(std::false_type) for TFLite's:
// the SIMD variants compile one loop per rounding.
template <typename F>
void with_rounding(const ref::QuantizeParams& p, F&& f) {
  if (p.xnnpack_rounding) {
    f(std::true_type{});
  } else {
    f(std::false_type{});
  }
}

}  // namespace lowbit

// Defines the four float conversion entry points of an ISA tag from two
// templates, quantize<kXnnpackRounding>(params, n, in, out, reference) and
// dequantize(params, n, in, out, reference), given the reference of the
// entry point's types for what they leave to it.
#define LOWBIT_DEFINE_QUANTIZE_FLOAT_ENTRIES(isa, quantize, dequantize)                       \
  namespace lowbit {                                                                          \
  void qs8_quantize__##isa(const ref::QuantizeParams& p, size_t n, const float* in,          \
                           int8_t* out) {                                                     \
    with_rounding(p, [&](auto xnn) {                                                          \
      quantize<decltype(xnn)::value>(p, n, in, out, ref::qs8_quantize__reference);            \
    });                                                                                       \
  }                                                                                           \
  void qu8_quantize__##isa(const ref::QuantizeParams& p, size_t n, const float* in,          \
                           uint8_t* out) {                                                    \
    with_rounding(p, [&](auto xnn) {                                                          \
      quantize<decltype(xnn)::value>(p, n, in, out, ref::qu8_quantize__reference);            \
    });                                                                                       \
  }                                                                                           \
  void qs8_dequantize__##isa(const ref::DequantizeParams& p, size_t n, const int8_t* in,     \
                             float* out) {                                                    \
    dequantize(p, n, in, out, ref::qs8_dequantize__reference);                                \
  }                                                                                           \
  void qu8_dequantize__##isa(const ref::DequantizeParams& p, size_t n, const uint8_t* in,    \
                             float* out) {                                                    \
    dequantize(p, n, in, out, ref::qu8_dequantize__reference);                                \
  }                                                                                           \
  }  // namespace lowbit

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_quantize_config.cpp).
KernelFamily<ref::QuantizeFn<int8_t>> qs8_quantize_variants();
KernelFamily<ref::QuantizeFn<uint8_t>> qu8_quantize_variants();
KernelFamily<ref::RequantizeFn<int8_t, int8_t>> qs8_requantize_variants();
KernelFamily<ref::RequantizeFn<uint8_t, int8_t>> qu8_qs8_requantize_variants();
KernelFamily<ref::RequantizeFn<int8_t, uint8_t>> qs8_qu8_requantize_variants();
KernelFamily<ref::RequantizeFn<uint8_t, uint8_t>> qu8_requantize_variants();
KernelFamily<ref::DequantizeFn<int8_t>> qs8_dequantize_variants();
KernelFamily<ref::DequantizeFn<uint8_t>> qu8_dequantize_variants();
// RELU and RELU6: a requantization whose clamp is the activation's range.
KernelFamily<ref::RequantizeFn<int8_t, int8_t>> qs8_relu_variants();
KernelFamily<ref::RequantizeFn<uint8_t, uint8_t>> qu8_relu_variants();
// 16x8 (int16) QUANTIZE and DEQUANTIZE.
KernelFamily<ref::QuantizeFn<int16_t>> qs16_quantize_variants();
KernelFamily<ref::DequantizeFn<int16_t>> qs16_dequantize_variants();
KernelFamily<ref::RequantizeFn<int16_t, int16_t>> qs16_requantize_variants();
KernelFamily<ref::RequantizeFn<int16_t, int8_t>> qs16_qs8_requantize_variants();
KernelFamily<ref::RequantizeFn<int8_t, int16_t>> qs8_qs16_requantize_variants();
KernelFamily<ref::RequantizeFn<int16_t, int32_t>> qs16_qs32_requantize_variants();
KernelFamily<ref::RequantizeFn<int32_t, int16_t>> qs32_qs16_requantize_variants();

}  // namespace lowbit
