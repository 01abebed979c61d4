// Reference fully connected layer: output[b][oc] = requant(sum_k (w - zw)(x - zx) + bias).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct FullyConnectedQuantParams : LayerQuantParams {
  int32_t batch = 0;
  int32_t input_depth = 0;   // K: row length of input and weights
  int32_t output_depth = 0;  // weights rows
  // When set (profile tflite_reference), each channel is rescaled in double as
  // LiteRT's reference FULLY_CONNECTED does (rescale_in_double) and the
  // requantizers are not used; fully_connected_double_scale() forms them.
  const double* double_scales = nullptr;
};

// LiteRT's reference FULLY_CONNECTED scale, per-tensor and per-channel alike:
// double(in_s) * double(w_s) / double(out_s). (TFLite's QuantizeMultiplier
// path forms a per-tensor in_s * w_s in float first; this one does not.)
double fully_connected_double_scale(float input_scale, float weight_scale, float output_scale);

// Channel `channel`'s accumulator rescaled in double (p.double_scales), limited,
// offset by the output zero point and clamped to [act_min, act_max]: the
// output LiteRT's reference FULLY_CONNECTED stores.
int32_t double_rescale_to_output(const FullyConnectedQuantParams& p, int32_t channel, int32_t acc);

// For SIMD kernels that rescale by multiplier/shift only: fills out[c] with a
// single-rounding requantizer whose clamped outputs equal the double rescale
// of p.double_scales[c] for every accumulator. False if a channel has none.
bool fully_connected_single_rounding_equivalents(const FullyConnectedQuantParams& p,
                                                 Requantizer* out);

// Computes batch rows [row_begin, row_end). bias may be nullptr.
using Qs8FullyConnectedFn = void (*)(const FullyConnectedQuantParams& p, const int8_t* input,
                                     const int8_t* weights, const int32_t* bias, int8_t* output,
                                     size_t row_begin, size_t row_end);
using Qu8FullyConnectedFn = void (*)(const FullyConnectedQuantParams& p, const uint8_t* input,
                                     const uint8_t* weights, const int32_t* bias,
                                     uint8_t* output, size_t row_begin, size_t row_end);

void qs8_fully_connected__reference(const FullyConnectedQuantParams& p, const int8_t* input,
                                    const int8_t* weights, const int32_t* bias, int8_t* output,
                                    size_t row_begin, size_t row_end);
void qu8_fully_connected__reference(const FullyConnectedQuantParams& p, const uint8_t* input,
                                    const uint8_t* weights, const int32_t* bias, uint8_t* output,
                                    size_t row_begin, size_t row_end);

}  // namespace ref
}  // namespace lowbit
