// The loops the SIMD rows of the float element-wise families share
// (kernels/f32_elementwise_simd.h), written once over a lane type L that each
// ISA file supplies (kernels/x86/f32_lanes_*.h, kernels/arm/f32_lanes_neon.h):
// ADD/SUB/MUL with broadcasting, the clamp (RELU, RELU6), HARD_SWISH,
// LOGISTIC and SOFTMAX. Included only by ISA files, so each instantiates them
// with its own flags.
//
// Numerics against the reference (kernels/reference/f32_elementwise.cpp):
// - ADD, SUB, MUL, the clamp and HARD_SWISH do the reference's operations in
//   its order, so they give its bits (armv7 NEON flushes subnormals to zero,
//   and its division goes lane by lane through VFP to stay exact).
// - LOGISTIC and SOFTMAX use exp_nonpositive() below: a degree-5 polynomial
//   on [-ln2/2, ln2/2] (coefficients fitted for least relative error: 1.1e-7
//   in exact arithmetic), scaled by 2^n. tests/kernels/f32_elementwise_test.cpp
//   holds the bounds it measures against std::exp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/reference/f32_elementwise.h"

namespace lowbit {
namespace f32_simd {

// Calls body(offset, count) over [0, n) in whole vectors; the last partial
// vector (count < L::kLanes) goes through tail(offset, count).
template <typename L, typename Body, typename Tail>
inline void in_vectors(size_t n, Body body, Tail tail) {
  constexpr size_t K = L::kLanes;
  size_t i = 0;
  for (; i + 2 * K <= n; i += 2 * K) {
    body(i);
    body(i + K);
  }
  for (; i + K <= n; i += K) body(i);
  if (i < n) tail(i, n - i);
}

// out[i] = f(in[i]) a vector at a time; the tail through a zero-padded copy,
// so its values get the same arithmetic as the rest.
template <typename L, typename F>
inline void map_unary(size_t n, const float* in, float* out, F f) {
  constexpr size_t K = L::kLanes;
  in_vectors<L>(
      n, [&](size_t i) { L::store(out + i, f(L::load(in + i))); },
      [&](size_t i, size_t count) {
        float buffer[K] = {};
        std::memcpy(buffer, in + i, count * sizeof(float));
        L::store(buffer, f(L::load(buffer)));
        std::memcpy(out + i, buffer, count * sizeof(float));
      });
}

// exp(x) for x <= 0 (a NaN gives some value the caller replaces): x = n ln2 + r
// with n = round(x / ln2) and |r| <= ln2/2; e^r from the polynomial, 2^n built
// in the exponent field. Below ln(FLT_MIN) the result is 0 (the reference
// gives a subnormal there: an absolute difference under 1.2e-38).
template <typename L>
inline typename L::V exp_nonpositive(typename L::V x) {
  using V = typename L::V;
  const V lowest = L::set1(-87.33654f);  // ln(FLT_MIN): 2^n stays normal
  const auto underflows = L::less(x, lowest);
  x = L::max(x, lowest);
  // 1.5 * 2^23 + 127: adding it rounds x / ln2 to an integer n and leaves
  // n + 127 (the biased exponent of 2^n) in the low mantissa bits.
  const V magic = L::set1(12583039.0f);
  const V t = L::fmadd(x, L::set1(1.44269502f), magic);
  const V n = L::sub(t, magic);
  // ln2 in two parts; n * 0.693359375 is exact (9 + 7 significant bits).
  V r = L::sub(x, L::mul(n, L::set1(0.693359375f)));
  r = L::sub(r, L::mul(n, L::set1(-2.12194442e-4f)));
  V p = L::set1(8.313740604e-03f);
  p = L::fmadd(p, r, L::set1(4.190408066e-02f));
  p = L::fmadd(p, r, L::set1(1.666728109e-01f));
  p = L::fmadd(p, r, L::set1(4.999909699e-01f));
  p = L::fmadd(p, r, L::set1(9.999998212e-01f));
  p = L::fmadd(p, r, L::set1(1.0f));
  return L::select(underflows, L::zero(), L::mul(p, L::shift_to_exponent(t)));
}

// 1 / (1 + e^-x) as e/(1 + e) for x < 0 and 1/(1 + e) otherwise, with
// e = e^-|x| <= 1: no overflow, and small results keep their relative accuracy.
template <typename L>
inline typename L::V logistic(typename L::V x) {
  using V = typename L::V;
  const V one = L::set1(1.0f);
  const V e = exp_nonpositive<L>(L::sub(L::zero(), L::abs(x)));
  const V y = L::div(L::select(L::less(x, L::zero()), e, one), L::add(one, e));
  return L::select(L::is_nan(x), x, y);
}

// x * min(6, max(0, x + 3)) / 6 in the reference's order.
template <typename L>
inline typename L::V hardswish(typename L::V x) {
  const typename L::V gate = L::clamp(L::add(x, L::set1(3.0f)), L::zero(), L::set1(6.0f));
  return L::div(L::mul(x, gate), L::set1(6.0f));
}

// One inner run of a broadcast binary operation: n outputs from a and b, each
// either a vector (step 1) or one value repeated (kAScalar, kBScalar).
template <typename L, bool kAScalar, bool kBScalar, typename Op>
inline void binary_run(size_t n, const float* a, const float* b, float* out, float lo, float hi,
                       Op op) {
  using V = typename L::V;
  constexpr size_t K = L::kLanes;
  const V va = L::set1(*a), vb = L::set1(*b), vlo = L::set1(lo), vhi = L::set1(hi);
  auto apply = [&](V x, V y) { return L::clamp(op(x, y), vlo, vhi); };
  in_vectors<L>(
      n,
      [&](size_t i) {
        L::store(out + i, apply(kAScalar ? va : L::load(a + i), kBScalar ? vb : L::load(b + i)));
      },
      [&](size_t i, size_t count) {
        float x[K] = {}, y[K] = {};
        if (!kAScalar) std::memcpy(x, a + i, count * sizeof(float));
        if (!kBScalar) std::memcpy(y, b + i, count * sizeof(float));
        float buffer[K];
        L::store(buffer, apply(kAScalar ? va : L::load(x), kBScalar ? vb : L::load(y)));
        std::memcpy(out + i, buffer, count * sizeof(float));
      });
}

// The reference's broadcast, as runs along the innermost dimension: size-1
// dimensions dropped and neighbours merged where both inputs walk them as
// one (a [N,H,W,C] + [C] bias becomes runs of C; same shapes, one run).
// Strides the operator never builds (an inner step other than 0 or 1) go to
// the reference.
template <typename L, typename Op>
void binary(const ref::F32BinaryParams& p, const float* a, const float* b, float* output, Op op,
            ref::F32BinaryFn reference) {
  constexpr int kMax = ref::F32BinaryParams::kMaxRank;
  int64_t dims[kMax], as[kMax], bs[kMax];
  int rank = 0;
  for (int d = 0; d < p.rank; ++d) {
    if (p.out_dims[d] == 0) return;
    if (p.out_dims[d] == 1) continue;
    if (rank > 0 && as[rank - 1] == p.a_strides[d] * p.out_dims[d] &&
        bs[rank - 1] == p.b_strides[d] * p.out_dims[d]) {
      dims[rank - 1] *= p.out_dims[d];
    } else {
      dims[rank] = p.out_dims[d];
      ++rank;
    }
    as[rank - 1] = p.a_strides[d];
    bs[rank - 1] = p.b_strides[d];
  }
  if (rank == 0) {  // one value
    dims[0] = 1;
    as[0] = bs[0] = 1;
    rank = 1;
  }
  const int64_t n = dims[rank - 1], a_step = as[rank - 1], b_step = bs[rank - 1];
  if ((a_step != 0 && a_step != 1) || (b_step != 0 && b_step != 1) || a_step + b_step == 0) {
    reference(p, a, b, output);
    return;
  }
  int64_t index[kMax] = {};
  int64_t a_offset = 0, b_offset = 0;
  for (float* out = output;; out += n) {
    if (a_step == 0) {
      binary_run<L, true, false>(size_t(n), a + a_offset, b + b_offset, out, p.out_min, p.out_max, op);
    } else if (b_step == 0) {
      binary_run<L, false, true>(size_t(n), a + a_offset, b + b_offset, out, p.out_min, p.out_max, op);
    } else {
      binary_run<L, false, false>(size_t(n), a + a_offset, b + b_offset, out, p.out_min, p.out_max,
                                  op);
    }
    // The odometer over the outer dimensions.
    int d = rank - 2;
    for (; d >= 0; --d) {
      a_offset += as[d];
      b_offset += bs[d];
      if (++index[d] < dims[d]) break;
      a_offset -= as[d] * dims[d];
      b_offset -= bs[d] * dims[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

// softmax(beta * x) by rows: the maximum, e^((x - max) * beta) stored and
// summed in vectors, then scaled by 1 / sum. A negative beta (arguments above
// 0, where e^x may overflow) goes to the reference.
template <typename L>
void softmax(const ref::F32SoftmaxParams& p, const float* input, float* output) {
  using V = typename L::V;
  constexpr size_t K = L::kLanes;
  if (!(p.beta >= 0.0f)) {
    ref::f32_softmax__reference(p, input, output);
    return;
  }
  const size_t n = p.channels;
  if (n == 0) return;
  for (size_t row = 0; row < p.rows; ++row) {
    const float* in = input + row * n;
    float* out = output + row * n;
    V vmax = L::set1(in[0]);
    float max = in[0];
    in_vectors<L>(
        n, [&](size_t i) { vmax = L::max(vmax, L::load(in + i)); },
        [&](size_t i, size_t count) {
          for (size_t j = i; j < i + count; ++j) max = std::max(max, in[j]);
        });
    max = std::max(max, L::reduce_max(vmax));
    const V shift = L::set1(max), beta = L::set1(p.beta);
    V vsum = L::zero();
    float sum = 0.0f;
    in_vectors<L>(
        n,
        [&](size_t i) {
          const V e = exp_nonpositive<L>(L::mul(L::sub(L::load(in + i), shift), beta));
          L::store(out + i, e);
          vsum = L::add(vsum, e);
        },
        [&](size_t i, size_t count) {
          float buffer[K] = {};
          std::memcpy(buffer, in + i, count * sizeof(float));
          L::store(buffer, exp_nonpositive<L>(L::mul(L::sub(L::load(buffer), shift), beta)));
          for (size_t j = 0; j < count; ++j) sum += buffer[j];
          std::memcpy(out + i, buffer, count * sizeof(float));
        });
    const V scale = L::set1(1.0f / (sum + L::reduce_add(vsum)));
    map_unary<L>(n, out, out, [&](V x) { return L::mul(x, scale); });
  }
}

}  // namespace f32_simd
}  // namespace lowbit

// The element-wise entry points of an ISA tag, over its lane type.
#define LOWBIT_DEFINE_F32_ELEMENTWISE(isa, L)                                                   \
  namespace lowbit {                                                                            \
  void f32_add__##isa(const ref::F32BinaryParams& p, const float* a, const float* b,            \
                      float* out) {                                                             \
    f32_simd::binary<L>(                                                                        \
        p, a, b, out, [](L::V x, L::V y) { return L::add(x, y); }, ref::f32_add__reference);    \
  }                                                                                             \
  void f32_sub__##isa(const ref::F32BinaryParams& p, const float* a, const float* b,            \
                      float* out) {                                                             \
    f32_simd::binary<L>(                                                                        \
        p, a, b, out, [](L::V x, L::V y) { return L::sub(x, y); }, ref::f32_sub__reference);    \
  }                                                                                             \
  void f32_mul__##isa(const ref::F32BinaryParams& p, const float* a, const float* b,            \
                      float* out) {                                                             \
    f32_simd::binary<L>(                                                                        \
        p, a, b, out, [](L::V x, L::V y) { return L::mul(x, y); }, ref::f32_mul__reference);    \
  }                                                                                             \
  void f32_clamp__##isa(const ref::F32UnaryParams& p, size_t n, const float* in, float* out) {  \
    const L::V lo = L::set1(p.out_min), hi = L::set1(p.out_max);                                \
    f32_simd::map_unary<L>(n, in, out, [&](L::V x) { return L::clamp(x, lo, hi); });           \
  }                                                                                             \
  void f32_logistic__##isa(const ref::F32UnaryParams&, size_t n, const float* in, float* out) { \
    f32_simd::map_unary<L>(n, in, out,                                                          \
                           [](L::V x) { return f32_simd::logistic<L>(x); });                   \
  }                                                                                             \
  void f32_hardswish__##isa(const ref::F32UnaryParams&, size_t n, const float* in,              \
                            float* out) {                                                       \
    f32_simd::map_unary<L>(n, in, out,                                                          \
                           [](L::V x) { return f32_simd::hardswish<L>(x); });                  \
  }                                                                                             \
  void f32_softmax__##isa(const ref::F32SoftmaxParams& p, const float* in, float* out) {        \
    f32_simd::softmax<L>(p, in, out);                                                           \
  }                                                                                             \
  }  // namespace lowbit
