// CAST's common conversions (kernels/reference/cast.h): their SIMD variants
// and variant tables. Every variant equals the reference bit for bit: the
// conversions to float32 are the hardware's round-to-nearest converts, and
// float32 -> int32 is the truncating convert with its out-of-range and NaN
// lanes set to the reference's saturated values.
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/cast.h"

namespace lowbit {

// x86-64 (kernels/x86/cast_{avx2,avx512}.cpp) and ARM (kernels/arm/cast_neon.h).
ref::CastSignature<uint8_t, float> u8_f32_cast__avx2, u8_f32_cast__avx512, u8_f32_cast__neon,
    u8_f32_cast__armv7neon;
ref::CastSignature<int8_t, float> s8_f32_cast__avx2, s8_f32_cast__avx512, s8_f32_cast__neon,
    s8_f32_cast__armv7neon;
ref::CastSignature<int32_t, float> s32_f32_cast__avx2, s32_f32_cast__avx512, s32_f32_cast__neon,
    s32_f32_cast__armv7neon;
ref::CastSignature<float, int32_t> f32_s32_cast__avx2, f32_s32_cast__avx512, f32_s32_cast__neon,
    f32_s32_cast__armv7neon;

// convert(input + i, output + i) for every whole step of kStep values, then
// the reference for the rest: the loop of the SIMD variants without masks.
template <size_t kStep, typename In, typename Out, typename Convert>
void cast_in_steps(size_t n, const In* input, Out* output, ref::CastFn<In, Out> reference,
                   Convert convert) {
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) convert(input + i, output + i);
  if (i < n) reference(ref::CastParams{}, n - i, input + i, output + i);
}

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/cast_config.cpp).
KernelFamily<ref::CastFn<uint8_t, float>> u8_f32_cast_variants();
KernelFamily<ref::CastFn<int8_t, float>> s8_f32_cast_variants();
KernelFamily<ref::CastFn<int32_t, float>> s32_f32_cast_variants();
KernelFamily<ref::CastFn<float, int32_t>> f32_s32_cast_variants();

}  // namespace lowbit
