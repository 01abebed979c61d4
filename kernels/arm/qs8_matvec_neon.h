// The int8 matrix-vector product and the row-by-row dot products
// (kernels/reference/qs8_matvec.h) with NEON, one source for aarch64
// (qs8_matvec_neon.cpp) and 32-bit ARM (qs8_matvec_armv7neon.cpp). int8
// products go through SMULL (a single product always fits int16) and SADALP
// into four int32 lanes, int16 products through SMLAL; the lanes and the
// scalar tails sum modulo 2^32 as TFLite's int32 sums do (vector adds wrap,
// the tails in unsigned arithmetic).
#pragma once

#include <arm_neon.h>

#include "kernels/qs8_matvec.h"

namespace lowbit {
namespace matvec_neon {
namespace {

inline int32_t sum_lanes(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  const int32x2_t s = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(s, s), 0);
#endif
}

template <typename T>
inline int32_t scalar_dot(const T* a, const T* b, size_t begin, size_t end, int32_t sum) {
  uint32_t s = static_cast<uint32_t>(sum);
  for (size_t c = begin; c < end; ++c) s += static_cast<uint32_t>(int32_t{a[c]} * int32_t{b[c]});
  return static_cast<int32_t>(s);
}

// Per row: 16 columns a step, then 8, then the rest in scalar code.
inline void matvec(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                   int32_t* sums) {
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* row = matrix + r * cols;
    int32x4_t lanes = vdupq_n_s32(0);
    size_t c = 0;
    for (; c + 16 <= cols; c += 16) {
      const int8x16_t w = vld1q_s8(row + c);
      const int8x16_t x = vld1q_s8(vector + c);
      lanes = vpadalq_s16(lanes, vmull_s8(vget_low_s8(w), vget_low_s8(x)));
      lanes = vpadalq_s16(lanes, vmull_s8(vget_high_s8(w), vget_high_s8(x)));
    }
    if (c + 8 <= cols) {
      lanes = vpadalq_s16(lanes, vmull_s8(vld1_s8(row + c), vld1_s8(vector + c)));
      c += 8;
    }
    sums[r] = scalar_dot(row, vector, c, cols, sum_lanes(lanes));
  }
}

// Eight products of a and b added to the lanes.
inline int32x4_t dot8(int32x4_t lanes, int8x8_t a, int8x8_t b) {
  return vpadalq_s16(lanes, vmull_s8(a, b));
}
inline int32x4_t dot8(int32x4_t lanes, int16x8_t a, int16x8_t b) {
  lanes = vmlal_s16(lanes, vget_low_s16(a), vget_low_s16(b));
  return vmlal_s16(lanes, vget_high_s16(a), vget_high_s16(b));
}
inline int8x8_t load8(const int8_t* p) { return vld1_s8(p); }
inline int16x8_t load8(const int16_t* p) { return vld1q_s16(p); }
// The first n of 8 elements kept, the rest zeroed.
alignas(16) constexpr int8_t kMask8[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
alignas(16) constexpr int16_t kMask16[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
inline int8x8_t keep_first(int8x8_t v, size_t n) { return vand_s8(v, vld1_s8(kMask8 + 8 - n)); }
inline int16x8_t keep_first(int16x8_t v, size_t n) {
  return vandq_s16(v, vld1q_s16(kMask16 + 8 - n));
}

// Per row: 8 columns a step; the last 1..7 read 8 wide and masked where that
// stays inside the rows x cols matrix (it passes into the next rows), else in
// scalar code. SVDF rows (its memory) are often shorter than 8.
template <typename T>
inline void rowdot(size_t rows, size_t cols, const T* a, const T* b, int32_t* sums) {
  const size_t body = cols / 8 * 8, tail = cols - body, total = rows * cols;
  for (size_t r = 0; r < rows; ++r) {
    const T* x = a + r * cols;
    const T* y = b + r * cols;
    int32x4_t lanes = vdupq_n_s32(0);
    for (size_t c = 0; c < body; c += 8) lanes = dot8(lanes, load8(x + c), load8(y + c));
    if (tail != 0 && r * cols + body + 8 <= total) {
      lanes = dot8(lanes, keep_first(load8(x + body), tail), load8(y + body));
      sums[r] = sum_lanes(lanes);
    } else {
      sums[r] = scalar_dot(x, y, body, cols, sum_lanes(lanes));
    }
  }
}

}  // namespace
}  // namespace matvec_neon
}  // namespace lowbit

// Defines qs8_matvec__<isa>, qs8_rowdot__<isa> and qs16_rowdot__<isa>.
#define LOWBIT_DEFINE_QS8_MATVEC_NEON(isa)                                                    \
  namespace lowbit {                                                                          \
  void qs8_matvec__##isa(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector, \
                         int32_t* sums) {                                                     \
    matvec_neon::matvec(rows, cols, matrix, vector, sums);                                    \
  }                                                                                           \
  void qs8_rowdot__##isa(size_t rows, size_t cols, const int8_t* a, const int8_t* b,          \
                         int32_t* sums) {                                                     \
    matvec_neon::rowdot(rows, cols, a, b, sums);                                              \
  }                                                                                           \
  void qs16_rowdot__##isa(size_t rows, size_t cols, const int16_t* a, const int16_t* b,       \
                          int32_t* sums) {                                                    \
    matvec_neon::rowdot(rows, cols, a, b, sums);                                              \
  }                                                                                           \
  }  // namespace lowbit
