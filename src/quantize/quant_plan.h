// What lowbit-quantize decides before it writes anything: which operators it
// can quantize, the int8 quantization of every activation (ranges fused where
// the runtime needs equal quantization), and per operator whether it stays
// float or keeps int8 weights under --weights int4.
#pragma once

#include <string>
#include <vector>

#include "lowbit/graph.h"
#include "lowbit/status.h"
#include "quantize/range_observer.h"

namespace lowbit {
namespace quantize {

// CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: input 1 is the weights.
bool is_weighted_op(OpType type);
// The operators lowbit-quantize rewrites to int8.
bool is_quantizable_op(OpType type);
// Operators whose int8 inputs and output must share one quantization (the
// kernels copy or compare values without rescaling, as TFLite's PTQ assumes).
bool shares_quantization(OpType type);

// Asymmetric int8: real = scale * (q - zero_point), 0 exact.
struct ActQuant {
  bool valid = false;
  FloatRange range;      // calibrated (after fusing), before nudging to the grid
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool fixed = false;    // SOFTMAX/LOGISTIC/TANH outputs: set by the operator, not calibrated
};

// The scale and zero point covering `range` (which contains 0).
ActQuant act_quant_from_range(FloatRange range);

struct QuantPlan {
  std::vector<ActQuant> act;        // per tensor of the float graph
  std::vector<bool> keep_float;     // per operator
  std::vector<bool> int8_weights;   // per operator: weights int8 although --weights int4
  // Per weighted operator, added to the float bias before it is quantized
  // (bias correction; empty: none).
  std::vector<std::vector<float>> bias_delta;
};

// Fills plan->act from the calibrated ranges of the float activations
// (`observed[t]` valid where calibration saw tensor t) and the values of float
// constants that quantized operators read as activations. Operators marked
// keep_float fuse nothing.
void plan_activation_quant(const GraphDesc& graph, const std::vector<ActQuant>& observed,
                           QuantPlan* plan);

// Resolves --keep-float names: an operator's name, the name of one of its
// output tensors, or its index. Fails naming the entry that matches nothing.
Status resolve_operator_names(const GraphDesc& graph, const std::vector<std::string>& names,
                              std::vector<bool>* selected);

// Fails naming the first operator that is neither quantizable nor kept float,
// or that reads or writes a non-float activation.
Status check_quantizable(const GraphDesc& graph, const std::vector<bool>& keep_float);

}  // namespace quantize
}  // namespace lowbit
