// float32 ADD, SUB, MUL (NumPy broadcasting), RELU/RELU6 (a clamp), LOGISTIC,
// HARD_SWISH and SOFTMAX as TFLite's float reference kernels compute them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// The output's dimensions and, per input, the element stride along each
// (0 where that input is broadcast), then the fused activation's clamp.
struct F32BinaryParams {
  static constexpr int kMaxRank = 6;
  int rank = 0;
  int32_t out_dims[kMaxRank] = {};
  int64_t a_strides[kMaxRank] = {}, b_strides[kMaxRank] = {};
  float out_min = 0.0f, out_max = 0.0f;
};

using F32BinarySignature = void(const F32BinaryParams& p, const float* a, const float* b,
                                float* output);
using F32BinaryFn = F32BinarySignature*;

F32BinarySignature f32_add__reference, f32_sub__reference, f32_mul__reference;

// Element-wise on n values. Only the clamp reads its bounds.
struct F32UnaryParams {
  float out_min = 0.0f, out_max = 0.0f;
};

using F32UnarySignature = void(const F32UnaryParams& p, size_t n, const float* input,
                               float* output);
using F32UnaryFn = F32UnarySignature*;

F32UnarySignature f32_clamp__reference, f32_logistic__reference, f32_hardswish__reference;

// softmax(beta * x) of each of `rows` rows of `channels` values.
struct F32SoftmaxParams {
  size_t rows = 0, channels = 0;
  float beta = 1.0f;
};

using F32SoftmaxSignature = void(const F32SoftmaxParams& p, const float* input, float* output);
using F32SoftmaxFn = F32SoftmaxSignature*;

F32SoftmaxSignature f32_softmax__reference;

}  // namespace ref
}  // namespace lowbit
