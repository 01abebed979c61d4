// The rescale factors of the weighted int8 operators (CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED) exactly as TFLite and XNNPACK form
// them (../shared/NUMERICS.md section 3). One definition for the hosted
// operators (src/ops/conv2d_common.cpp) and the firmware's (src/micro/ops/):
// their outputs are byte-identical only if these are.
#pragma once

namespace lowbit {
namespace ref {

// in * w / out as a double. TFLite forms in * w in float first for
// per-tensor FULLY_CONNECTED and for legacy uint8 layers
// (GetQuantizedConvolutionMultipler): float_product true.
inline double weighted_real_multiplier(float input_scale, float weight_scale, float output_scale,
                                       bool float_product) {
  if (float_product) {
    const float product = input_scale * weight_scale;
    return static_cast<double>(product) / static_cast<double>(output_scale);
  }
  return static_cast<double>(input_scale) * static_cast<double>(weight_scale) /
         static_cast<double>(output_scale);
}

// The same ratio in float, as XNNPACK computes it (profile xnnpack_fp32).
inline float weighted_fp32_scale(float input_scale, float weight_scale, float output_scale) {
  return input_scale * weight_scale / output_scale;
}

}  // namespace ref
}  // namespace lowbit
