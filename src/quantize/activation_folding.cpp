#include "quantize/activation_folding.h"

#include <algorithm>
#include <variant>

namespace lowbit {
namespace quantize {
namespace {

// The fused activation slot of an operator whose int8 kernel clamps its
// output, or nullptr.
Activation* fused_activation_slot(OperatorDesc& op) {
  switch (op.type) {
    case OpType::kConv2D:
      if (auto* o = std::get_if<Conv2DOptions>(&op.options)) return &o->activation;
      return nullptr;
    case OpType::kDepthwiseConv2D:
      if (auto* o = std::get_if<DepthwiseConv2DOptions>(&op.options)) return &o->activation;
      return nullptr;
    case OpType::kFullyConnected:
      if (auto* o = std::get_if<FullyConnectedOptions>(&op.options)) return &o->activation;
      return nullptr;
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
      if (auto* o = std::get_if<ElementwiseOptions>(&op.options)) return &o->activation;
      return nullptr;
    default:
      return nullptr;
  }
}

bool standalone_activation(OpType type, Activation* activation) {
  if (type == OpType::kRelu) *activation = Activation::kRelu;
  else if (type == OpType::kRelu6) *activation = Activation::kRelu6;
  else return false;
  return true;
}

}  // namespace

FoldedActivations fold_standalone_activations(const GraphDesc& graph,
                                              const std::vector<bool>& keep) {
  FoldedActivations result;
  result.graph = graph;
  std::vector<OperatorDesc>& ops = result.graph.operators;
  const size_t num_tensors = graph.tensors.size();
  std::vector<int> producer(num_tensors, -1), readers(num_tensors, 0);
  for (size_t o = 0; o < ops.size(); ++o) {
    for (int t : ops[o].outputs) {
      if (t >= 0 && size_t(t) < num_tensors) producer[size_t(t)] = int(o);
    }
    for (int t : ops[o].inputs) {
      if (t >= 0 && size_t(t) < num_tensors) ++readers[size_t(t)];
    }
  }
  for (int t : graph.outputs) {
    if (t >= 0 && size_t(t) < num_tensors) ++readers[size_t(t)];
  }

  std::vector<bool> removed(ops.size(), false);
  for (size_t a = 0; a < ops.size(); ++a) {
    Activation activation;
    if (keep[a] || !standalone_activation(ops[a].type, &activation)) continue;
    if (ops[a].inputs.size() != 1 || ops[a].outputs.size() != 1) continue;
    const int x = ops[a].inputs[0];
    if (x < 0 || size_t(x) >= num_tensors || readers[size_t(x)] != 1) continue;
    const int p = producer[size_t(x)];
    if (p < 0 || keep[size_t(p)] || removed[size_t(p)] || ops[size_t(p)].outputs.size() != 1) {
      continue;
    }
    Activation* slot = fused_activation_slot(ops[size_t(p)]);
    if (slot == nullptr || *slot != Activation::kNone) continue;
    const TensorDesc& in = graph.tensors[size_t(x)];
    const TensorDesc& out = graph.tensors[size_t(ops[a].outputs[0])];
    if (in.dtype != DType::kFloat32 || out.dtype != DType::kFloat32 || !(in.shape == out.shape)) {
      continue;
    }
    *slot = activation;
    ops[size_t(p)].outputs[0] = ops[a].outputs[0];
    producer[size_t(ops[a].outputs[0])] = p;
    removed[a] = true;
    ++result.folded;
  }

  std::vector<OperatorDesc> kept;
  result.new_index.assign(ops.size(), -1);
  for (size_t o = 0; o < ops.size(); ++o) {
    if (removed[o]) continue;
    result.new_index[o] = int(kept.size());
    kept.push_back(std::move(ops[o]));
  }
  ops = std::move(kept);
  return result;
}

}  // namespace quantize
}  // namespace lowbit
