// Bias correction: quantizing weights shifts each output channel's mean; the
// shift, measured on the calibration set, is added back to the float bias.
#pragma once

#include <string>
#include <vector>

#include "quantize/calibration_data.h"
#include "quantize/quant_plan.h"

namespace lowbit {
namespace quantize {

// Per operator, per output channel: mean over the calibration set (and every
// position) of (W - dequantize(quantize(W))) x, the float layer's output
// minus the same layer's with quantized weights, before the fused activation.
// int4 is filled (for CONV_2D and FULLY_CONNECTED) only when weight_bits is 4.
struct BiasDeltas {
  std::vector<std::vector<float>> int8, int4;
};

// Runs the float graph once per sample with, beside each weighted operator,
// a copy of it whose weights are the quantization error and whose bias is zero:
// every copy sees the float graph's own activations.
Result<BiasDeltas> compute_bias_deltas(const GraphDesc& graph, const std::vector<Sample>& samples,
                                       bool per_tensor_weights, int weight_bits,
                                       const std::string& kernel);

// plan->bias_delta from `deltas` for each operator's weight width (none for
// operators kept float).
void select_bias_deltas(const GraphDesc& graph, const BiasDeltas& deltas, QuantPlan* plan);

}  // namespace quantize
}  // namespace lowbit
