// RESIZE_BILINEAR with NEON, one source for aarch64 (resize_neon.cpp) and
// 32-bit ARM (resize_armv7neon.cpp), 4 channels at a time through the
// reference's row loop and sampling (ref::bilinear_rows) with the same
// arithmetic in the same order, so results are identical: int8 in TFLite's
// 10-bit fixed point, uint8 and float32 in its float formula (separate
// multiplies and adds, never fused). The last channels of a pixel are a final
// 4-channel step overlapping the previous one (recomputing a channel writes
// the same value); pixels under 4 channels use the reference's
// (ref::bilinear_pixel_*).
//
// 32-bit ARM's NEON flushes subnormal floats to zero, which the scalar
// reference does not: its float32 row is left out (a float32 input may hold
// subnormals). The uint8 path's products of an integer 0..255 and weights
// built from input positions are never subnormal, so it keeps its row.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/resize.h"

namespace lowbit {
namespace resize_neon {
namespace {

// 4 bytes through a 32-bit lane: no alignment assumed.
uint8x8_t load_4_bytes(const void* p) {
  uint32_t word;
  std::memcpy(&word, p, 4);
  return vreinterpret_u8_u32(vdup_n_u32(word));
}
void store_4_bytes(void* p, uint8x8_t v) {
  const uint32_t word = vget_lane_u32(vreinterpret_u32_u8(v), 0);
  std::memcpy(p, &word, 4);
}

float32x4_t load_4_as_float(const uint8_t* p) {
  return vcvtq_f32_u32(vmovl_u16(vget_low_u16(vmovl_u8(load_4_bytes(p)))));
}
// inline: 32-bit ARM builds no float32 row, so these two may go unused.
inline float32x4_t load_4_as_float(const float* p) { return vld1q_f32(p); }

// The float sum (rounding already added) as the output type: truncated to
// uint8 (within [0, 255] by construction), or stored as is.
void store_4_from_float(uint8_t* out, float32x4_t v) {
  const uint16x4_t words = vmovn_u32(vcvtq_u32_f32(v));
  store_4_bytes(out, vmovn_u16(vcombine_u16(words, words)));
}
inline void store_4_from_float(float* out, float32x4_t v) { vst1q_f32(out, v); }

template <typename T>
void bilinear_float(const ref::ResizeParams& p, const T* input, T* output, size_t row_begin,
                    size_t row_end, float rounding) {
  const float32x4_t vround = vdupq_n_f32(rounding);
  ref::bilinear_float_simd<4>(p, input, output, row_begin, row_end, rounding,
                              [vround](T* out, const T* tl, const T* bl, const T* tr,
                                       const T* br, const ref::FloatWeights& w) {
    float32x4_t v = vmulq_n_f32(vmulq_n_f32(load_4_as_float(tl), w.ry), w.rx);
    v = vaddq_f32(v, vmulq_n_f32(vmulq_n_f32(load_4_as_float(bl), w.dy), w.rx));
    v = vaddq_f32(v, vmulq_n_f32(vmulq_n_f32(load_4_as_float(tr), w.ry), w.dx));
    v = vaddq_f32(v, vmulq_n_f32(vmulq_n_f32(load_4_as_float(br), w.dy), w.dx));
    store_4_from_float(out, vaddq_f32(v, vround));
  });
}

int32x4_t load_4_s8(const int8_t* p) {
  return vmovl_s16(vget_low_s16(vmovl_s8(vreinterpret_s8_u8(load_4_bytes(p)))));
}

// (sum + sign(sum) * 2^19) / 2^20 with C's truncating division.
int32x4_t round_shift_20(int32x4_t sum) {
  const int32x4_t half = vbslq_s32(vcgtq_s32(sum, vdupq_n_s32(0)), vdupq_n_s32(1 << 19),
                                   vdupq_n_s32(-(1 << 19)));
  const int32x4_t t = vaddq_s32(sum, half);
  const int32x4_t magnitude =
      vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(vabsq_s32(t)), 20));
  return vbslq_s32(vcltq_s32(t, vdupq_n_s32(0)), vnegq_s32(magnitude), magnitude);
}

void qs8_bilinear(const ref::ResizeParams& p, const int8_t* input, int8_t* output,
                  size_t row_begin, size_t row_end) {
  ref::bilinear_10bit_simd<4>(p, input, output, row_begin, row_end,
                              [](int8_t* out, const int8_t* tl, const int8_t* bl, const int8_t* tr,
                                 const int8_t* br, const ref::CornerWeights& w) {
    int32x4_t sum = vmulq_n_s32(load_4_s8(tl), w.top_left);
    sum = vmlaq_n_s32(sum, load_4_s8(bl), w.bottom_left);
    sum = vmlaq_n_s32(sum, load_4_s8(tr), w.top_right);
    sum = vmlaq_n_s32(sum, load_4_s8(br), w.bottom_right);
    const int16x4_t words = vqmovn_s32(round_shift_20(sum));
    store_4_bytes(out, vreinterpret_u8_s8(vqmovn_s16(vcombine_s16(words, words))));
  });
}

}  // namespace
}  // namespace resize_neon
}  // namespace lowbit

// Defines the int8 and uint8 bilinear kernels <type>_resize_bilinear__<isa>
// in the one file per ISA that includes this (float32: see above).
#define LOWBIT_DEFINE_RESIZE_BILINEAR_NEON(isa)                                              \
  namespace lowbit {                                                                         \
  void qs8_resize_bilinear__##isa(const ref::ResizeParams& p, const int8_t* input,           \
                                  int8_t* output, size_t row_begin, size_t row_end) {        \
    resize_neon::qs8_bilinear(p, input, output, row_begin, row_end);                         \
  }                                                                                          \
  void qu8_resize_bilinear__##isa(const ref::ResizeParams& p, const uint8_t* input,          \
                                  uint8_t* output, size_t row_begin, size_t row_end) {       \
    resize_neon::bilinear_float(p, input, output, row_begin, row_end, 0.5f);                 \
  }                                                                                          \
  }
