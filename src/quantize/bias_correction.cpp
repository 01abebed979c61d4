#include "quantize/bias_correction.h"

#include <cstring>
#include <memory>

#include "quantize/graph_runner.h"
#include "quantize/weight_quant.h"

namespace lowbit {
namespace quantize {
namespace {

// The operator's options with the fused activation removed.
OpOptions without_activation(const OpOptions& options) {
  OpOptions copy = options;
  if (auto* o = std::get_if<Conv2DOptions>(&copy)) o->activation = Activation::kNone;
  if (auto* o = std::get_if<DepthwiseConv2DOptions>(&copy)) o->activation = Activation::kNone;
  if (auto* o = std::get_if<FullyConnectedOptions>(&copy)) o->activation = Activation::kNone;
  return copy;
}

struct ErrorProbe {
  int op_index;
  int bits;
  int channels;
};

}  // namespace

Result<BiasDeltas> compute_bias_deltas(const GraphDesc& graph, const std::vector<Sample>& samples,
                                       bool per_tensor_weights, int weight_bits,
                                       const std::string& kernel) {
  ModelBuilder builder;
  copy_graph(graph, &builder);
  std::vector<int> outputs;
  std::vector<ErrorProbe> probes;
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    const OperatorDesc& op = graph.operators[o];
    if (!is_weighted_op(op.type) || op.inputs.size() < 2 || op.inputs[1] < 0) continue;
    const TensorDesc& w = graph.tensors[op.inputs[1]];
    if (!w.is_constant() || w.dtype != DType::kFloat32) continue;
    std::vector<int> widths = {8};
    if (weight_bits == 4 && op.type != OpType::kDepthwiseConv2D) widths.push_back(4);
    for (int bits : widths) {
      const QuantizedWeights q = quantize_weights(w, op.type, bits, per_tensor_weights);
      const std::vector<float> dequantized = dequantize_weights(q, w.shape);
      std::vector<float> error(dequantized.size());
      std::memcpy(error.data(), w.data, error.size() * sizeof(float));
      for (size_t i = 0; i < error.size(); ++i) error[i] -= dequantized[i];
      const int channels = w.shape[q.axis];
      const std::string tag = "/weight_error_int" + std::to_string(bits);
      const int error_id = builder.add_constant(w.name + tag, DType::kFloat32, w.shape, error);
      const int zero_id = builder.add_constant(op.name + tag + "/bias", DType::kFloat32,
                                               Shape{channels}, std::vector<float>(channels, 0.0f));
      const TensorDesc& out = graph.tensors[op.outputs[0]];
      const int out_id = builder.add_tensor(out.name + tag, DType::kFloat32, out.shape);
      builder.add_operator(op.type, {op.inputs[0], error_id, zero_id}, {out_id},
                           without_activation(op.options), op.name + tag);
      outputs.push_back(out_id);
      probes.push_back({static_cast<int>(o), bits, channels});
    }
  }
  BiasDeltas deltas;
  deltas.int8.resize(graph.operators.size());
  deltas.int4.resize(graph.operators.size());
  if (probes.empty()) return deltas;
  builder.set_outputs(outputs);
  InterpreterOptions options;
  options.kernel = kernel;
  Result<std::unique_ptr<GraphRunner>> runner = GraphRunner::create(builder, options);
  if (!runner.ok()) return runner.status();
  std::vector<std::vector<double>> sums(probes.size());
  std::vector<double> counts(probes.size(), 0.0);
  for (size_t k = 0; k < probes.size(); ++k) sums[k].assign(probes[k].channels, 0.0);
  for (const Sample& sample : samples) {
    LOWBIT_RETURN_IF_ERROR(runner.value()->run_float(sample));
    for (size_t k = 0; k < probes.size(); ++k) {
      const std::vector<float> values = runner.value()->output_as_float(k);
      const int channels = probes[k].channels;
      for (size_t i = 0; i < values.size(); ++i) sums[k][i % channels] += values[i];
      counts[k] += static_cast<double>(values.size() / channels);
    }
  }
  for (size_t k = 0; k < probes.size(); ++k) {
    std::vector<float> mean(probes[k].channels);
    for (int c = 0; c < probes[k].channels; ++c) {
      mean[c] = counts[k] > 0 ? static_cast<float>(sums[k][c] / counts[k]) : 0.0f;
    }
    auto& target = probes[k].bits == 4 ? deltas.int4 : deltas.int8;
    target[probes[k].op_index] = std::move(mean);
  }
  return deltas;
}

void select_bias_deltas(const GraphDesc& graph, const BiasDeltas& deltas, QuantPlan* plan) {
  plan->bias_delta.assign(graph.operators.size(), {});
  for (size_t o = 0; o < graph.operators.size() && o < deltas.int8.size(); ++o) {
    if (plan->keep_float[o]) continue;
    const bool int4 = !deltas.int4[o].empty() && !plan->int8_weights[o];
    plan->bias_delta[o] = int4 ? deltas.int4[o] : deltas.int8[o];
  }
}

}  // namespace quantize
}  // namespace lowbit
