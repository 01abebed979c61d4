#include "quantize/quant_plan.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace lowbit {
namespace quantize {
namespace {

Status invalid_arg(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

int find_root(std::vector<int>& parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

// SOFTMAX and LOGISTIC outputs lie in [0, 1], TANH's in [-1, 1]: TFLite's
// int8 kernels require these output quantizations.
bool fixed_output_quant(OpType type, ActQuant* q) {
  if (type == OpType::kSoftmax || type == OpType::kLogistic) {
    q->scale = 1.0f / 256.0f;
    q->zero_point = -128;
  } else if (type == OpType::kTanh) {
    q->scale = 1.0f / 128.0f;
    q->zero_point = 0;
  } else {
    return false;
  }
  q->valid = true;
  q->fixed = true;
  q->range = {q->scale * static_cast<float>(-128 - q->zero_point),
              q->scale * static_cast<float>(127 - q->zero_point)};
  return true;
}

// Inputs of a quantized operator read as int8 activations (not weights/bias).
bool is_activation_input(OpType type, size_t input) {
  return !is_weighted_op(type) || input == 0;
}

FloatRange constant_range(const TensorDesc& t) {
  const size_t count = t.data_bytes / sizeof(float);
  std::vector<float> values(count);
  if (count > 0) std::memcpy(values.data(), t.data, count * sizeof(float));
  FloatRange r{0.0f, 0.0f};
  for (float v : values) {
    if (!std::isfinite(v)) continue;
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
  }
  if (!(r.max > r.min)) r = {-1e-6f, 1e-6f};
  return r;
}

}  // namespace

bool is_weighted_op(OpType type) {
  return type == OpType::kConv2D || type == OpType::kDepthwiseConv2D ||
         type == OpType::kFullyConnected;
}

bool is_quantizable_op(OpType type) {
  switch (type) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
    case OpType::kMean:
    case OpType::kSoftmax:
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kHardSwish:
    case OpType::kRelu:
    case OpType::kRelu6:
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kConcatenation:
    case OpType::kPad:
      return true;
    default:
      return false;
  }
}

bool shares_quantization(OpType type) {
  switch (type) {
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kMaxPool2D:
    case OpType::kAveragePool2D:
    case OpType::kPad:
    case OpType::kConcatenation:
      return true;
    default:
      return false;
  }
}

ActQuant act_quant_from_range(FloatRange range) {
  ActQuant q;
  q.valid = true;
  q.range = range;
  const float lo = std::min(range.min, 0.0f);
  const float hi = std::max(range.max, 0.0f);
  q.scale = (hi - lo) / 255.0f;
  if (!(q.scale > 0.0f) || !std::isfinite(q.scale)) q.scale = 1e-6f / 127.5f;
  const float zp = std::round(-128.0f - lo / q.scale);
  q.zero_point = static_cast<int32_t>(std::clamp(zp, -128.0f, 127.0f));
  return q;
}

void plan_activation_quant(const GraphDesc& graph, const std::vector<ActQuant>& observed,
                           QuantPlan* plan) {
  const size_t n = graph.tensors.size();
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<bool> needs(n, false);
  std::vector<FloatRange> range(n);
  for (size_t t = 0; t < n; ++t) {
    if (observed[t].valid) {
      needs[t] = true;
      range[t] = observed[t].range;
    }
  }
  // Outputs whose quantization their operator fixes (SOFTMAX, ...).
  std::vector<bool> fixed_by_producer(n, false);
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    ActQuant unused;
    const OperatorDesc& op = graph.operators[o];
    if (!plan->keep_float[o] && !op.outputs.empty() && fixed_output_quant(op.type, &unused)) {
      fixed_by_producer[op.outputs[0]] = true;
    }
  }
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    const OperatorDesc& op = graph.operators[o];
    if (plan->keep_float[o]) continue;
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      const int t = op.inputs[i];
      if (t < 0 || !is_activation_input(op.type, i)) continue;
      const TensorDesc& desc = graph.tensors[t];
      if (desc.is_constant() && desc.dtype == DType::kFloat32 && !needs[t]) {
        needs[t] = true;
        range[t] = constant_range(desc);
      }
    }
    if (!shares_quantization(op.type) || op.outputs.empty()) continue;
    const size_t shared_inputs = op.type == OpType::kConcatenation ? op.inputs.size() : 1;
    for (size_t i = 0; i < shared_inputs && i < op.inputs.size(); ++i) {
      const int t = op.inputs[i];
      if (t < 0 || graph.tensors[t].dtype != DType::kFloat32) continue;
      // CONCATENATION rescales its inputs: a fixed-range input (TANH next
      // to LOGISTIC) keeps its own quantization rather than impose it.
      if (op.type == OpType::kConcatenation && fixed_by_producer[t]) continue;
      parent[find_root(parent, t)] = find_root(parent, op.outputs[0]);
    }
  }
  // Each group's range covers all of its members; a fixed output decides it.
  std::vector<FloatRange> group_range(n, FloatRange{0.0f, 0.0f});
  std::vector<ActQuant> group_fixed(n);
  for (size_t t = 0; t < n; ++t) {
    if (!needs[t]) continue;
    const int root = find_root(parent, static_cast<int>(t));
    group_range[root].min = std::min(group_range[root].min, range[t].min);
    group_range[root].max = std::max(group_range[root].max, range[t].max);
  }
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    const OperatorDesc& op = graph.operators[o];
    ActQuant fixed;
    if (!plan->keep_float[o] && !op.outputs.empty() && fixed_output_quant(op.type, &fixed)) {
      group_fixed[find_root(parent, op.outputs[0])] = fixed;
    }
  }
  plan->act.assign(n, ActQuant{});
  for (size_t t = 0; t < n; ++t) {
    if (!needs[t]) continue;
    const int root = find_root(parent, static_cast<int>(t));
    if (group_fixed[root].valid) {
      plan->act[t] = group_fixed[root];
    } else {
      plan->act[t] = act_quant_from_range(group_range[root]);
    }
  }
}

Status resolve_operator_names(const GraphDesc& graph, const std::vector<std::string>& names,
                              std::vector<bool>* selected) {
  selected->assign(graph.operators.size(), false);
  for (const std::string& name : names) {
    bool found = false;
    for (size_t o = 0; o < graph.operators.size(); ++o) {
      const OperatorDesc& op = graph.operators[o];
      bool match = op.name == name || std::to_string(o) == name;
      for (int t : op.outputs) match = match || graph.tensors[t].name == name;
      if (match) {
        (*selected)[o] = true;
        found = true;
      }
    }
    if (!found) {
      return invalid_arg("--keep-float '" + name + "' names no operator (by name, output tensor "
                         "name or index) of the model");
    }
  }
  return Status::Ok();
}

Status check_quantizable(const GraphDesc& graph, const std::vector<bool>& keep_float) {
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const TensorDesc& t = graph.tensors[graph.inputs[i]];
    if (t.dtype != DType::kFloat32) {
      return invalid_arg("graph input " + std::to_string(i) + " (" +
                         describe_tensor(graph, graph.inputs[i]) + ") is " + dtype_name(t.dtype) +
                         ", not float32: lowbit-quantize takes a float model");
    }
  }
  for (size_t o = 0; o < graph.operators.size(); ++o) {
    const OperatorDesc& op = graph.operators[o];
    const std::string who = describe_operator(graph, static_cast<int>(o));
    if (keep_float[o]) continue;  // kept as it is, whatever it writes
    if (!is_quantizable_op(op.type)) {
      return invalid_arg(who + ": cannot be quantized; keep it float with --keep-float " +
                         std::to_string(o));
    }
    for (int t : op.outputs) {
      if (graph.tensors[t].dtype != DType::kFloat32) {
        return invalid_arg(who + " writes " + dtype_name(graph.tensors[t].dtype) + " " +
                           describe_tensor(graph, t) +
                           ": lowbit-quantize takes a float model (float32 activations only)");
      }
    }
    if (is_weighted_op(op.type)) {
      if (op.inputs.size() < 2 || op.inputs[1] < 0 || !graph.tensors[op.inputs[1]].is_constant() ||
          graph.tensors[op.inputs[1]].dtype != DType::kFloat32) {
        return invalid_arg(who + ": weights are not a float32 constant, so they cannot be "
                           "quantized; keep it float with --keep-float " + std::to_string(o));
      }
      if (op.inputs.size() > 2 && op.inputs[2] >= 0 &&
          (!graph.tensors[op.inputs[2]].is_constant() ||
           graph.tensors[op.inputs[2]].dtype != DType::kFloat32)) {
        return invalid_arg(who + ": bias is not a float32 constant; keep it float with "
                           "--keep-float " + std::to_string(o));
      }
    }
  }
  return Status::Ok();
}

}  // namespace quantize
}  // namespace lowbit
