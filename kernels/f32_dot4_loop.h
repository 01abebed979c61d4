// The loop of every f32_dot4 SIMD row (kernels/f32_dot4.h), written once over
// a 128-bit vector type: four rows at a time for independent chains, each
// row's four lane sums in one register (a multiply then an add), then the
// reference's end of a row: 0 + lane 0 + lane 1 + lane 2 + lane 3, and the
// last cols % 4 products one by one, exactly as ref::dot_f32_4lanes.
// Lanes provides: using Reg; static Reg zero(); static Reg mul_add(Reg sum,
// const float* a, const float* b) (sum + a[0..3] * b[0..3], unfused);
// static void store(float* out, Reg lanes).
#pragma once

#include <cstddef>

namespace lowbit {
namespace f32_dot4_loop {

template <class Lanes>
inline float finish(typename Lanes::Reg lanes, const float* a, const float* b, size_t whole,
                    size_t cols) {
  alignas(16) float l[4];
  Lanes::store(l, lanes);
  float sum = 0.0f;
  for (float v : l) sum += v;
  for (size_t i = whole; i < cols; ++i) sum += a[i] * b[i];
  return sum;
}

template <class Lanes>
inline void rows(size_t rows, size_t cols, const float* a, const float* b, size_t b_stride,
                 float* out) {
  using Reg = typename Lanes::Reg;
  const size_t whole = cols / 4 * 4;
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float* a0 = a + r * cols;
    const float* b0 = b + r * b_stride;
    const float* as[4] = {a0, a0 + cols, a0 + 2 * cols, a0 + 3 * cols};
    const float* bs[4] = {b0, b0 + b_stride, b0 + 2 * b_stride, b0 + 3 * b_stride};
    Reg s0 = Lanes::zero(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i < whole; i += 4) {
      s0 = Lanes::mul_add(s0, as[0] + i, bs[0] + i);
      s1 = Lanes::mul_add(s1, as[1] + i, bs[1] + i);
      s2 = Lanes::mul_add(s2, as[2] + i, bs[2] + i);
      s3 = Lanes::mul_add(s3, as[3] + i, bs[3] + i);
    }
    out[r] = finish<Lanes>(s0, as[0], bs[0], whole, cols);
    out[r + 1] = finish<Lanes>(s1, as[1], bs[1], whole, cols);
    out[r + 2] = finish<Lanes>(s2, as[2], bs[2], whole, cols);
    out[r + 3] = finish<Lanes>(s3, as[3], bs[3], whole, cols);
  }
  for (; r < rows; ++r) {
    const float* ar = a + r * cols;
    const float* br = b + r * b_stride;
    Reg s = Lanes::zero();
    for (size_t i = 0; i < whole; i += 4) s = Lanes::mul_add(s, ar + i, br + i);
    out[r] = finish<Lanes>(s, ar, br, whole, cols);
  }
}

}  // namespace f32_dot4_loop
}  // namespace lowbit
