// float32 AVERAGE_POOL_2D, MAX_POOL_2D and MEAN over the spatial axes as
// TFLite's float reference kernels compute them: an average divides by the
// taps inside the image, padding contributes nothing to a maximum, then the
// fused activation's clamp.
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {

struct F32PoolParams {
  int32_t batch = 0, in_h = 0, in_w = 0, channels = 0;
  int32_t out_h = 0, out_w = 0;
  int32_t filter_h = 1, filter_w = 1, stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  float out_min = 0.0f, out_max = 0.0f;
};

using F32PoolSignature = void(const F32PoolParams& p, const float* input, float* output);
using F32PoolFn = F32PoolSignature*;

F32PoolSignature f32_avgpool2d__reference, f32_maxpool2d__reference;

// MEAN of [batch][pixels][channels] over the pixels (pixels > 0).
struct F32MeanParams {
  int32_t batch = 0, channels = 0;
  int64_t pixels = 0;
};

using F32MeanSignature = void(const F32MeanParams& p, const float* input, float* output);
using F32MeanFn = F32MeanSignature*;

F32MeanSignature f32_mean__reference;

}  // namespace ref
}  // namespace lowbit
