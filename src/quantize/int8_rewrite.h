// Writes the quantized graph: every operator of the float graph either int8
// (quantized weights and biases, calibrated activations) or, when kept float,
// fed through DEQUANTIZE and followed by QUANTIZE where int8 operators meet it.
#pragma once

#include <vector>

#include "lowbit/model_builder.h"
#include "quantize/quant_plan.h"

namespace lowbit {
namespace quantize {

struct RewriteOptions {
  bool float_io = false;       // float32 graph inputs/outputs (QUANTIZE/DEQUANTIZE at the edges)
  bool per_tensor_weights = false;
  int weight_bits = 8;         // 4: CONV_2D and FULLY_CONNECTED weights in [-7, 7]
  // Stores int4 weights as int8 bytes of the same values (and scales): the
  // same arithmetic as the W4A8 kernels, runnable by the int8 ones. For
  // measuring; the written model packs them as DType::kInt4.
  bool int4_as_int8 = false;
  // Appends every tensor an operator writes to the graph outputs (after the
  // model's own), in operator order; *extra_outputs gets their float-graph indices.
  bool expose_activations = false;
};

// `builder` must be empty. On success the builder holds the quantized graph.
Status build_quantized_graph(const GraphDesc& graph, const QuantPlan& plan,
                             const RewriteOptions& options, ModelBuilder* builder,
                             std::vector<int>* extra_outputs = nullptr);

}  // namespace quantize
}  // namespace lowbit
