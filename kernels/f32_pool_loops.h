// The loops the SIMD rows of f32_avgpool2d, f32_maxpool2d and f32_mean share
// (kernels/f32_elementwise_simd.h), over a lane type L as in
// kernels/f32_elementwise_loops.h. Channels go L::kLanes at a time, up to
// four vectors per pass over a window; each channel folds its taps in the
// reference's order (rows, then columns, those inside the image) with the
// same operations and an exact division, so every value has the reference's
// bits (kernels/reference/f32_pool.cpp). The channels after the last whole
// vector run the reference's scalar arithmetic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/reference/f32_pool.h"

namespace lowbit {
namespace f32_simd {

// Output pixel by output pixel: for each block of U vectors of channels,
// acc = init, acc = tap(acc, value) over the window's taps, then
// finish(acc, taps) clamped; scalar_tap / scalar_finish for the last channels.
template <typename L, typename Tap, typename Finish, typename ScalarTap, typename ScalarFinish>
void pool(const ref::F32PoolParams& p, const float* input, float* output, float init, Tap tap,
          Finish finish, ScalarTap scalar_tap, ScalarFinish scalar_finish) {
  using V = typename L::V;
  constexpr int32_t K = L::kLanes;
  const V vinit = L::set1(init), lo = L::set1(p.out_min), hi = L::set1(p.out_max);
  ref::for_each_pool_window(p, input, output, [&](const ref::F32PoolWindow& w) {
    // U vectors of channels from c on, one pass over the window.
    auto block = [&](auto u_tag, int32_t c) {
      constexpr int U = decltype(u_tag)::value;
      V acc[U];
      for (int u = 0; u < U; ++u) acc[u] = vinit;
      for (int64_t y = w.y0; y < w.y1; ++y) {
        for (int64_t x = w.x0; x < w.x1; ++x) {
          const float* px = w.image + y * w.row + x * p.channels + c;
          for (int u = 0; u < U; ++u) acc[u] = tap(acc[u], L::load(px + u * K));
        }
      }
      for (int u = 0; u < U; ++u) {
        L::store(w.out + c + u * K, L::clamp(finish(acc[u], w.taps), lo, hi));
      }
    };
    int32_t c = 0;
    for (; c + 4 * K <= p.channels; c += 4 * K) block(std::integral_constant<int, 4>(), c);
    for (; c + K <= p.channels; c += K) block(std::integral_constant<int, 1>(), c);
    for (; c < p.channels; ++c) {
      float acc = init;
      for (int64_t y = w.y0; y < w.y1; ++y) {
        const float* in_row = w.image + y * w.row + c;
        for (int64_t x = w.x0; x < w.x1; ++x) acc = scalar_tap(acc, in_row[x * p.channels]);
      }
      w.out[c] = std::min(std::max(scalar_finish(acc, w.taps), p.out_min), p.out_max);
    }
  });
}

template <typename L>
void avgpool2d(const ref::F32PoolParams& p, const float* input, float* output) {
  using V = typename L::V;
  pool<L>(
      p, input, output, 0.0f, [](V acc, V v) { return L::add(acc, v); },
      [](V sum, int64_t taps) {
        return taps > 0 ? L::div(sum, L::set1(float(taps))) : L::zero();
      },
      [](float acc, float v) { return acc + v; },
      [](float sum, int64_t taps) { return taps > 0 ? sum / float(taps) : 0.0f; });
}

template <typename L>
void maxpool2d(const ref::F32PoolParams& p, const float* input, float* output) {
  using V = typename L::V;
  pool<L>(
      p, input, output, std::numeric_limits<float>::lowest(),
      [](V acc, V v) { return L::max_tap(acc, v); }, [](V max, int64_t) { return max; },
      [](float acc, float v) { return std::max(acc, v); }, [](float max, int64_t) { return max; });
}

// MEAN over the pixels: four vectors of channels per pass, in pixel order.
template <typename L>
void mean(const ref::F32MeanParams& p, const float* input, float* output) {
  using V = typename L::V;
  constexpr int32_t K = L::kLanes;
  const V count = L::set1(float(p.pixels));
  for (int32_t b = 0; b < p.batch; ++b) {
    const float* in = input + int64_t(b) * p.pixels * p.channels;
    float* out = output + int64_t(b) * p.channels;
    auto block = [&](auto u_tag, int32_t c) {
      constexpr int U = decltype(u_tag)::value;
      V acc[U];
      for (int u = 0; u < U; ++u) acc[u] = L::zero();
      for (int64_t i = 0; i < p.pixels; ++i) {
        const float* px = in + i * p.channels + c;
        for (int u = 0; u < U; ++u) acc[u] = L::add(acc[u], L::load(px + u * K));
      }
      for (int u = 0; u < U; ++u) L::store(out + c + u * K, L::div(acc[u], count));
    };
    int32_t c = 0;
    for (; c + 4 * K <= p.channels; c += 4 * K) block(std::integral_constant<int, 4>(), c);
    for (; c + K <= p.channels; c += K) block(std::integral_constant<int, 1>(), c);
    for (; c < p.channels; ++c) {
      float sum = 0.0f;
      for (int64_t i = 0; i < p.pixels; ++i) sum += in[i * p.channels + c];
      out[c] = sum / float(p.pixels);
    }
  }
}

}  // namespace f32_simd
}  // namespace lowbit

// The pooling entry points of an ISA tag, over its lane type.
#define LOWBIT_DEFINE_F32_POOL(isa, L)                                                     \
  namespace lowbit {                                                                       \
  void f32_avgpool2d__##isa(const ref::F32PoolParams& p, const float* in, float* out) {    \
    f32_simd::avgpool2d<L>(p, in, out);                                                    \
  }                                                                                        \
  void f32_maxpool2d__##isa(const ref::F32PoolParams& p, const float* in, float* out) {    \
    f32_simd::maxpool2d<L>(p, in, out);                                                    \
  }                                                                                        \
  void f32_mean__##isa(const ref::F32MeanParams& p, const float* in, float* out) {         \
    f32_simd::mean<L>(p, in, out);                                                         \
  }                                                                                        \
  }  // namespace lowbit
