// CAST's common conversions (kernels/cast.h) with NEON, one source for
// aarch64 (cast_neon.cpp) and 32-bit ARM (cast_armv7neon.cpp); the tail goes
// through the reference. The conversions to float32 round to nearest like
// the scalar ones (32-bit NEON always does, and no result is subnormal).
// The float -> int32 convert truncates and saturates as the reference, but
// gives 0 for NaN where the reference gives INT32_MAX; a subnormal flushed by
// 32-bit NEON truncates to 0 either way.
#pragma once

#include <arm_neon.h>

#include <cstdint>

#include "kernels/cast.h"

namespace lowbit {
namespace cast_neon {
namespace {

void store_int16_as_float(int16x8_t v, float* out) {
  vst1q_f32(out, vcvtq_f32_s32(vmovl_s16(vget_low_s16(v))));
  vst1q_f32(out + 4, vcvtq_f32_s32(vmovl_s16(vget_high_s16(v))));
}

int32x4_t truncate_like_reference(float32x4_t x) {
  const uint32x4_t is_number = vceqq_f32(x, x);
  return vbslq_s32(is_number, vcvtq_s32_f32(x), vdupq_n_s32(INT32_MAX));
}

}  // namespace
}  // namespace cast_neon
}  // namespace lowbit

// The four entry points of an ISA tag (neon or armv7neon).
#define LOWBIT_DEFINE_CAST_NEON(isa)                                                          \
  namespace lowbit {                                                                          \
  void u8_f32_cast__##isa(const ref::CastParams&, size_t n, const uint8_t* in, float* out) { \
    cast_in_steps<8>(n, in, out, ref::u8_f32_cast__reference, [](const uint8_t* i, float* o) { \
      cast_neon::store_int16_as_float(vreinterpretq_s16_u16(vmovl_u8(vld1_u8(i))), o);       \
    });                                                                                       \
  }                                                                                           \
  void s8_f32_cast__##isa(const ref::CastParams&, size_t n, const int8_t* in, float* out) {  \
    cast_in_steps<8>(n, in, out, ref::s8_f32_cast__reference, [](const int8_t* i, float* o) { \
      cast_neon::store_int16_as_float(vmovl_s8(vld1_s8(i)), o);                               \
    });                                                                                       \
  }                                                                                           \
  void s32_f32_cast__##isa(const ref::CastParams&, size_t n, const int32_t* in, float* out) { \
    cast_in_steps<8>(n, in, out, ref::s32_f32_cast__reference,                                \
                     [](const int32_t* i, float* o) {                                         \
                       vst1q_f32(o, vcvtq_f32_s32(vld1q_s32(i)));                              \
                       vst1q_f32(o + 4, vcvtq_f32_s32(vld1q_s32(i + 4)));                      \
                     });                                                                      \
  }                                                                                           \
  void f32_s32_cast__##isa(const ref::CastParams&, size_t n, const float* in, int32_t* out) { \
    cast_in_steps<8>(n, in, out, ref::f32_s32_cast__reference,                                \
                     [](const float* i, int32_t* o) {                                         \
                       vst1q_s32(o, cast_neon::truncate_like_reference(vld1q_f32(i)));         \
                       vst1q_s32(o + 4, cast_neon::truncate_like_reference(vld1q_f32(i + 4))); \
                     });                                                                      \
  }                                                                                           \
  }  // namespace lowbit
