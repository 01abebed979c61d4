#include "kernels/reference/f32_elementwise.h"

#include <algorithm>
#include <cmath>

namespace lowbit {
namespace ref {
namespace {

// Walks the output in order with an odometer over its dimensions, moving
// each input's offset by its stride.
template <typename Op>
void broadcast_binary(const F32BinaryParams& p, const float* a, const float* b, float* output,
                      Op op) {
  int64_t total = 1;
  for (int d = 0; d < p.rank; ++d) total *= p.out_dims[d];
  int32_t index[F32BinaryParams::kMaxRank] = {};
  int64_t a_offset = 0, b_offset = 0;
  for (int64_t i = 0; i < total; ++i) {
    output[i] = std::min(std::max(op(a[a_offset], b[b_offset]), p.out_min), p.out_max);
    for (int d = p.rank - 1; d >= 0; --d) {
      a_offset += p.a_strides[d];
      b_offset += p.b_strides[d];
      if (++index[d] < p.out_dims[d]) break;
      a_offset -= p.a_strides[d] * p.out_dims[d];
      b_offset -= p.b_strides[d] * p.out_dims[d];
      index[d] = 0;
    }
  }
}

}  // namespace

void f32_add__reference(const F32BinaryParams& p, const float* a, const float* b, float* output) {
  broadcast_binary(p, a, b, output, [](float x, float y) { return x + y; });
}

void f32_sub__reference(const F32BinaryParams& p, const float* a, const float* b, float* output) {
  broadcast_binary(p, a, b, output, [](float x, float y) { return x - y; });
}

void f32_mul__reference(const F32BinaryParams& p, const float* a, const float* b, float* output) {
  broadcast_binary(p, a, b, output, [](float x, float y) { return x * y; });
}

void f32_clamp__reference(const F32UnaryParams& p, size_t n, const float* input, float* output) {
  for (size_t i = 0; i < n; ++i) output[i] = std::min(std::max(input[i], p.out_min), p.out_max);
}

void f32_logistic__reference(const F32UnaryParams& /*p*/, size_t n, const float* input,
                             float* output) {
  for (size_t i = 0; i < n; ++i) output[i] = 1.0f / (1.0f + std::exp(-input[i]));
}

void f32_hardswish__reference(const F32UnaryParams& /*p*/, size_t n, const float* input,
                              float* output) {
  for (size_t i = 0; i < n; ++i) {
    const float x = input[i];
    output[i] = x * std::min(6.0f, std::max(0.0f, x + 3.0f)) / 6.0f;
  }
}

void f32_softmax__reference(const F32SoftmaxParams& p, const float* input, float* output) {
  for (size_t r = 0; r < p.rows; ++r) {
    const float* in = input + r * p.channels;
    float* out = output + r * p.channels;
    const float max = *std::max_element(in, in + p.channels);
    float sum = 0.0f;
    for (size_t c = 0; c < p.channels; ++c) {
      out[c] = std::exp((in[c] - max) * p.beta);
      sum += out[c];
    }
    for (size_t c = 0; c < p.channels; ++c) out[c] /= sum;
  }
}

}  // namespace ref
}  // namespace lowbit
