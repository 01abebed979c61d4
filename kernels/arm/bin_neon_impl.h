// The binary kernels with NEON, one source for aarch64 (bin_kernels_neon.cpp)
// and 32-bit ARM (bin_kernels_armv7neon.cpp): exactly one of those two files
// is built for a target (cmake/LowbitKernels.cmake), and it defines the
// public kernels (..._neon or ..._armv7neon) on top of the bin_neon:: ones
// here. Bits and values equal the reference kernels (kernels/reference/bin_*.h)
// and the x86 variants.
//
// GEMM (kernels/bin_gemm.h layout): one 64-bit A word is duplicated into both
// lanes of a q register and XORed with the same word of two filter channels,
// so each 64-bit lane stays one output channel. Per 128 bits: EOR, CNT and an
// ADD of the byte counts (the bound of one EOR, one CNT, one add per 128
// bits); every 31 steps (a byte gains at most 8 per step) the byte counters
// are widened into 32-bit totals with UADDLP + UADALP.
#pragma once

#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/bin_gemm.h"
#include "kernels/bin_maxpool2d.h"
#include "kernels/bin_pack.h"
#include "kernels/reference/bin_conv2d.h"

namespace lowbit {
namespace bin_neon {
namespace {

constexpr size_t kStepsPerFlush = 31;

// Sum of the eight u16 lanes (armv7 has no ADDV).
inline uint32_t sum_u16(uint16x8_t v) {
#if defined(__aarch64__)
  return vaddvq_u16(v);
#else
  const uint64x2_t s = vpaddlq_u32(vpaddlq_u16(v));
  return uint32_t(vgetq_lane_u64(s, 0) + vgetq_lane_u64(s, 1));
#endif
}

// Bits of 8 lane masks (0 or all ones), lane i -> bit i.
inline uint32_t mask_bits(uint16x8_t mask) {
  static const uint16_t kWeights[8] = {1, 2, 4, 8, 16, 32, 64, 128};
  return sum_u16(vandq_u16(mask, vld1q_u16(kWeights)));
}

// The A word at p (4-byte aligned) in both 64-bit lanes.
inline uint8x16_t broadcast_word(const uint32_t* p) {
#if defined(__aarch64__)
  // LD1R: one load, no DUP (aarch64 loads need no alignment). Written as asm
  // because GCC turns vld1q_dup_u64 into LDR + DUP, an extra vector op per row.
  // No memory operand: with one, GCC kept the byte counters in memory; the
  // kernel never writes A, so the load cannot be reordered past a store to it.
  uint64x2_t v;
  asm("ld1r {%0.2d}, [%1]" : "=w"(v) : "r"(p));
  return vreinterpretq_u8_u64(v);
#else
  // One 64-bit load into a d register, copied to the other half (VMOV):
  // going through a 64-bit integer costs two core loads and a stack trip.
  const uint32x2_t d = vld1_u32(p);
  return vreinterpretq_u8_u32(vcombine_u32(d, d));
#endif
}

template <int kMR>
inline void add_step(const uint8x16_t (&va)[kMR], const uint32_t* w, uint8x16_t (&bytes)[kMR][2]) {
  const uint8x16_t b0 = vreinterpretq_u8_u32(vld1q_u32(w));
  const uint8x16_t b1 = vreinterpretq_u8_u32(vld1q_u32(w + 4));
  for (int m = 0; m < kMR; ++m) {
    bytes[m][0] = vaddq_u8(bytes[m][0], vcntq_u8(veorq_u8(va[m], b0)));
    bytes[m][1] = vaddq_u8(bytes[m][1], vcntq_u8(veorq_u8(va[m], b1)));
  }
}

// Widens the byte counters into the 32-bit totals and clears them.
template <int kMR>
inline void flush(uint8x16_t (&bytes)[kMR][2], uint32x4_t (&total)[kMR][2]) {
  for (int m = 0; m < kMR; ++m) {
    for (int j = 0; j < 2; ++j) {
      total[m][j] = vpadalq_u16(total[m][j], vpaddlq_u8(bytes[m][j]));
      bytes[m][j] = vdupq_n_u8(0);
    }
  }
}

// Steps [q, end) of one tap; returns the filter pointer after them.
template <int kMR>
inline const uint32_t* run_steps(const uint32_t* const (&rows)[kMR], size_t q, size_t end,
                                 const uint32_t* w, uint8x16_t (&bytes)[kMR][2]) {
  for (; q < end; ++q, w += 8) {
    uint8x16_t va[kMR];
    for (int m = 0; m < kMR; ++m) va[m] = broadcast_word(rows[m] + 2 * q);
    add_step(va, w, bytes);
  }
  return w;
}

// The 2-row tile (armv7) with its counters in named variables: GCC for
// 32-bit ARM kept the array in memory, storing it on every step.
inline const uint32_t* run_steps(const uint32_t* const (&rows)[2], size_t q, size_t end,
                                 const uint32_t* w, uint8x16_t (&bytes)[2][2]) {
  uint8x16_t c00 = bytes[0][0], c01 = bytes[0][1], c10 = bytes[1][0], c11 = bytes[1][1];
  for (; q < end; ++q, w += 8) {
    const uint8x16_t b0 = vreinterpretq_u8_u32(vld1q_u32(w));
    const uint8x16_t b1 = vreinterpretq_u8_u32(vld1q_u32(w + 4));
    const uint8x16_t a0 = broadcast_word(rows[0] + 2 * q);
    const uint8x16_t a1 = broadcast_word(rows[1] + 2 * q);
    c00 = vaddq_u8(c00, vcntq_u8(veorq_u8(a0, b0)));
    c01 = vaddq_u8(c01, vcntq_u8(veorq_u8(a0, b1)));
    c10 = vaddq_u8(c10, vcntq_u8(veorq_u8(a1, b0)));
    c11 = vaddq_u8(c11, vcntq_u8(veorq_u8(a1, b1)));
  }
  bytes[0][0] = c00;
  bytes[0][1] = c01;
  bytes[1][0] = c10;
  bytes[1][1] = c11;
  return w;
}

template <int kMR>
void gemm_tile(size_t mr, size_t nr, size_t taps, size_t tap_words, const uint32_t* const* a,
               uint32_t last_mask, const uint32_t* b, int32_t* c, size_t c_stride) {
  // Two q registers of two channels each: NR = 4.
  uint8x16_t bytes[kMR][2];
  uint32x4_t total[kMR][2];
  for (int m = 0; m < kMR; ++m) {
    for (int j = 0; j < 2; ++j) {
      bytes[m][j] = vdupq_n_u8(0);
      total[m][j] = vdupq_n_u32(0);
    }
  }
  size_t pending = 0;  // steps in `bytes`
  const size_t full = bin_gemm_full_steps(tap_words, last_mask);
  const bool tail = bin_gemm_has_tail(tap_words, last_mask);
  const uint32_t* w = b;
  for (size_t t = 0; t < taps; ++t, a += mr) {
    // Rows past mr repeat the last valid row: computed, never stored.
    const uint32_t* rows[kMR];
    for (int m = 0; m < kMR; ++m) rows[m] = a[size_t(m) < mr ? m : mr - 1];
    // Runs of steps that fit the byte counters, so the inner loop holds no
    // flush code (the compiler would hoist parts of it into every step).
    for (size_t q = 0; q < full;) {
      if (pending == kStepsPerFlush) {
        flush(bytes, total);
        pending = 0;
      }
      const size_t run_end = q + std::min(full - q, kStepsPerFlush - pending);
      pending += run_end - q;
      w = run_steps(rows, q, run_end, w, bytes);
      q = run_end;
    }
    if (tail) {
      if (pending == kStepsPerFlush) {
        flush(bytes, total);
        pending = 0;
      }
      ++pending;
      uint8x16_t va[kMR];
      for (int m = 0; m < kMR; ++m) {
        va[m] = vreinterpretq_u8_u64(
            vdupq_n_u64(bin_gemm_tail_word(rows[m], tap_words, last_mask)));
      }
      add_step(va, w, bytes);
      w += 8;
    }
  }
  flush(bytes, total);
  for (size_t m = 0; m < mr; ++m) {
    uint32_t sums[4];
    for (int j = 0; j < 2; ++j) vst1_u32(sums + 2 * j, vmovn_u64(vpaddlq_u32(total[m][j])));
    std::memcpy(c + m * c_stride, sums, nr * sizeof(int32_t));
  }
}

// ---- output stages: 8 channels per step; a partial last step runs on a
// zero-padded copy so that every channel takes the same instructions.

struct Lanes8 {
  int32x4_t d[2];
};

inline Lanes8 doubled8(const int32_t* popcounts, const int32_t* correction) {
  Lanes8 r;
  for (int i = 0; i < 2; ++i) {
    const int32x4_t pc = vld1q_s32(popcounts + 4 * i);
    r.d[i] = vaddq_s32(pc, pc);
    if (correction != nullptr) r.d[i] = vaddq_s32(r.d[i], vld1q_s32(correction + 4 * i));
  }
  return r;
}

// float(clamp(D)) * multiplier + bias, two roundings: the empty asm keeps the
// compiler from contracting the product into a fused multiply-add.
inline float32x4_t transform4(int32x4_t d, const BinOutputStageParams& p, const float* mul,
                              const float* bias) {
  const int32x4_t clamped =
      vminq_s32(vmaxq_s32(d, vdupq_n_s32(p.clamp_min)), vdupq_n_s32(p.clamp_max));
  float32x4_t product = vmulq_f32(vcvtq_f32_s32(clamped), vld1q_f32(mul));
  asm("" : "+w"(product));
  return vaddq_f32(product, vld1q_f32(bias));
}

// Saturate to [-128, 127] (NaN to -128), round half away from zero.
inline int32x4_t round_int8_range(float32x4_t y) {
  const uint32x4_t above = vcgtq_f32(y, vdupq_n_f32(-128.0f));  // false for NaN
  y = vbslq_f32(above, y, vdupq_n_f32(-128.0f));
  y = vminq_f32(y, vdupq_n_f32(127.0f));
  const int32x4_t truncated = vcvtq_s32_f32(y);
  const float32x4_t fraction = vsubq_f32(y, vcvtq_f32_s32(truncated));
  const uint32x4_t away = vcageq_f32(fraction, vdupq_n_f32(0.5f));
  const int32x4_t unit = vorrq_s32(vshrq_n_s32(vreinterpretq_s32_f32(y), 31), vdupq_n_s32(1));
  return vaddq_s32(truncated, vandq_s32(unit, vreinterpretq_s32_u32(away)));
}

// Runs body(popcounts, correction, mul, bias, threshold, c, n) over blocks of 8
// channels, the last one on zero-padded copies (threshold padding INT32_MAX:
// never set).
template <typename Body>
void for_blocks_of_8(size_t channels, const int32_t* popcounts, const int32_t* correction,
                     const BinOutputStageParams& p, Body&& body) {
  size_t c = 0;
  for (; c + 8 <= channels; c += 8) {
    body(popcounts + c, correction ? correction + c : nullptr, p.multiplier ? p.multiplier + c : nullptr,
         p.bias ? p.bias + c : nullptr, p.doubled_threshold ? p.doubled_threshold + c : nullptr, c,
         size_t(8));
  }
  if (c == channels) return;
  const size_t n = channels - c;
  int32_t pc[8] = {}, corr[8] = {}, thr[8];
  float mul[8] = {}, bias[8] = {};
  std::fill(thr, thr + 8, INT32_MAX);
  std::copy(popcounts + c, popcounts + channels, pc);
  if (correction) std::copy(correction + c, correction + channels, corr);
  if (p.multiplier) std::copy(p.multiplier + c, p.multiplier + channels, mul);
  if (p.bias) std::copy(p.bias + c, p.bias + channels, bias);
  if (p.doubled_threshold) std::copy(p.doubled_threshold + c, p.doubled_threshold + channels, thr);
  body(pc, correction ? corr : nullptr, mul, bias, thr, c, n);
}

// ARMv7 NEON flushes subnormal inputs and results to zero (VFP does not).
// With clamped integer D, a subnormal product or sum needs a subnormal
// multiplier or bias, so such blocks take the scalar reference transform.
inline bool flushes_subnormals_in(const float* mul, const float* bias) {
#if defined(__aarch64__)
  (void)mul;
  (void)bias;
  return false;
#else
  const uint32x4_t exponent = vdupq_n_u32(0x7f800000u), magnitude = vdupq_n_u32(0x7fffffffu);
  uint32x4_t any = vdupq_n_u32(0);
  for (const float* v : {mul, mul + 4, bias, bias + 4}) {
    const uint32x4_t bits = vreinterpretq_u32_f32(vld1q_f32(v));
    const uint32x4_t subnormal = vandq_u32(vceqq_u32(vandq_u32(bits, exponent), vdupq_n_u32(0)),
                                           vtstq_u32(bits, magnitude));
    any = vorrq_u32(any, subnormal);
  }
  return (vgetq_lane_u32(any, 0) | vgetq_lane_u32(any, 1) | vgetq_lane_u32(any, 2) |
          vgetq_lane_u32(any, 3)) != 0;
#endif
}

// When the block's multipliers or biases hold subnormals this core would
// flush, writes its n outputs through the scalar stage `transform`
// (ref::bin_transform_float or _int8) and returns true; otherwise writes
// nothing and returns false.
template <typename T, typename Transform>
inline bool scalar_block_if_subnormal(const Lanes8& d, const float* mul, const float* bias,
                                      size_t n, const BinOutputStageParams& params,
                                      Transform transform, T* out) {
  if (!flushes_subnormals_in(mul, bias)) return false;
  int32_t dd[8];
  vst1q_s32(dd, d.d[0]);
  vst1q_s32(dd + 4, d.d[1]);
  for (size_t i = 0; i < n; ++i) {
    out[i] = transform(dd[i], mul[i], bias[i], params.clamp_min, params.clamp_max);
  }
  return true;
}

void output_float(size_t channels, const int32_t* popcounts, const int32_t* correction,
                  const BinOutputStageParams& params, void* output) {
  float* out = static_cast<float*>(output);
  for_blocks_of_8(
      channels, popcounts, correction, params,
      [&](const int32_t* pc, const int32_t* corr, const float* mul, const float* bias,
          const int32_t*, size_t c, size_t n) {
        const Lanes8 d = doubled8(pc, corr);
        if (scalar_block_if_subnormal(d, mul, bias, n, params, ref::bin_transform_float, out + c)) {
          return;
        }
        float y[8];
        vst1q_f32(y, transform4(d.d[0], params, mul, bias));
        vst1q_f32(y + 4, transform4(d.d[1], params, mul + 4, bias + 4));
        std::memcpy(out + c, y, n * sizeof(float));
      });
}

void output_int8(size_t channels, const int32_t* popcounts, const int32_t* correction,
                 const BinOutputStageParams& params, void* output) {
  int8_t* out = static_cast<int8_t*>(output);
  for_blocks_of_8(
      channels, popcounts, correction, params,
      [&](const int32_t* pc, const int32_t* corr, const float* mul, const float* bias,
          const int32_t*, size_t c, size_t n) {
        const Lanes8 d = doubled8(pc, corr);
        if (scalar_block_if_subnormal(d, mul, bias, n, params, ref::bin_transform_int8, out + c)) {
          return;
        }
        const int32x4_t lo = round_int8_range(transform4(d.d[0], params, mul, bias));
        const int32x4_t hi = round_int8_range(transform4(d.d[1], params, mul + 4, bias + 4));
        int8_t q[8];
        vst1_s8(q, vqmovn_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi))));
        std::memcpy(out + c, q, n);
      });
}

void output_bits(size_t channels, const int32_t* popcounts, const int32_t* correction,
                 const BinOutputStageParams& params, void* output) {
  uint32_t* out = static_cast<uint32_t*>(output);
  std::fill(out, out + (channels + 31) / 32, 0u);
  for_blocks_of_8(
      channels, popcounts, correction, params,
      [&](const int32_t* pc, const int32_t* corr, const float*, const float*, const int32_t* thr,
          size_t c, size_t) {
        const Lanes8 d = doubled8(pc, corr);
        const uint16x8_t above = vcombine_u16(vmovn_u32(vcgtq_s32(d.d[0], vld1q_s32(thr))),
                                              vmovn_u32(vcgtq_s32(d.d[1], vld1q_s32(thr + 4))));
        out[c / 32] |= mask_bits(above) << (c % 32);
      });
}

// ---- bitpacking: 8 values per mask, the last partial word from a padded copy
// (+1 values: 0.0f, or the zero point itself, whose bits are 0).

template <typename T, typename Mask8>
void pack_rows(const T* input, size_t channels, T pad, uint32_t* output, size_t row_begin,
               size_t row_end, Mask8&& mask8) {
  ref::bin_pack_rows(input, channels, output, row_begin, row_end, [=, &mask8](const T* in, size_t w) __attribute__((always_inline)) {
    const T* src = in + w * 32;
    T padded[32];
    if ((w + 1) * 32 > channels) {
      std::fill(padded, padded + 32, pad);
      std::copy(src, in + channels, padded);
      src = padded;
    }
    uint32_t word = 0;
    for (int part = 0; part < 4; ++part) word |= mask_bits(mask8(src + 8 * part)) << (8 * part);
    return word;
  });
}

void pack_f32(const float* input, size_t channels, uint32_t* output, size_t row_begin,
              size_t row_end) {
  // x < 0.0f on the bits, because ARMv7 NEON compares flush subnormals to
  // zero: sign set and magnitude in [denorm_min, inf] (-0.0 and NaN give 0).
  const uint32x4_t magnitude = vdupq_n_u32(0x7fffffffu), inf = vdupq_n_u32(0x7f800000u);
  const uint32x4_t one = vdupq_n_u32(1);
  auto negative4 = [&](const float* x) {
    const uint32x4_t bits = vreinterpretq_u32_f32(vld1q_f32(x));
    const uint32x4_t sign = vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(bits), 31));
    const uint32x4_t in_range = vcltq_u32(vsubq_u32(vandq_u32(bits, magnitude), one), inf);
    return vmovn_u32(vandq_u32(sign, in_range));
  };
  pack_rows(input, channels, 0.0f, output, row_begin, row_end, [&](const float* x) {
    return vcombine_u16(negative4(x), negative4(x + 4));
  });
}

void pack_qs8(const int8_t* input, size_t channels, int32_t zero_point, uint32_t* output,
              size_t row_begin, size_t row_end) {
  if (zero_point < -128 || zero_point > 127) {
    // The compare below needs zero_point as an int8; these are rare.
    ref::bin_pack_qs8__reference(input, channels, zero_point, output, row_begin, row_end);
    return;
  }
  const int8_t zp = static_cast<int8_t>(zero_point);
  const int8x8_t vzp = vdup_n_s8(zp);
  pack_rows(input, channels, zp, output, row_begin, row_end, [&](const int8_t* q) {
    // Widen the byte masks so mask_bits sees one lane per value.
    return vmovl_u8(vclt_s8(vld1_s8(q), vzp)) ;
  });
}

// ---- BMAXPOOL2D: the AND of the window's words, four words per q register.

void maxpool2d(const ref::BinMaxPool2DParams& p, const uint32_t* input, uint32_t* output,
               size_t pixel_begin, size_t pixel_end) {
  const size_t words = (size_t(p.channels) + 31) / 32;
  const uint32_t last_mask = ref::bin_last_word_mask(size_t(p.channels));
  for (size_t pixel = pixel_begin; pixel < pixel_end; ++pixel) {
    const auto [n, y0, y1, x0, x1] = ref::bin_maxpool2d_window(p, pixel);
    uint32_t* out = output + pixel * words;
    const bool empty = y0 >= y1 || x0 >= x1;
    size_t w = 0;
    for (; w + 4 <= words; w += 4) {
      uint32x4_t acc = vdupq_n_u32(empty ? 0u : ~0u);
      for (int32_t iy = y0; iy < y1; ++iy) {
        const uint32_t* row = input + ((n * p.input_h + iy) * p.input_w) * words + w;
        for (int32_t ix = x0; ix < x1; ++ix) acc = vandq_u32(acc, vld1q_u32(row + size_t(ix) * words));
      }
      vst1q_u32(out + w, acc);
    }
    for (; w < words; ++w) {
      uint32_t acc = empty ? 0u : ~0u;
      for (int32_t iy = y0; iy < y1; ++iy) {
        const uint32_t* row = input + ((n * p.input_h + iy) * p.input_w) * words + w;
        for (int32_t ix = x0; ix < x1; ++ix) acc &= row[size_t(ix) * words];
      }
      out[w] = acc;
    }
    out[words - 1] &= last_mask;
  }
}

}  // namespace
}  // namespace bin_neon
}  // namespace lowbit
