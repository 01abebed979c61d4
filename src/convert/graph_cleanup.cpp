#include "convert/graph_cleanup.h"

#include <algorithm>

namespace lowbit {
namespace convert {
namespace {

bool same_quantization(const Quantization& a, const Quantization& b) {
  return a.scales == b.scales && a.zero_points == b.zero_points &&
         (a.axis == b.axis || !a.per_axis());
}

bool cancels(const std::vector<int32_t>& first, const std::vector<int32_t>& second) {
  if (first.size() != second.size()) return false;
  for (size_t d = 0; d < second.size(); ++d) {
    const int32_t q = second[d];
    if (q < 0 || q >= static_cast<int32_t>(first.size()) || first[q] != static_cast<int32_t>(d)) {
      return false;
    }
  }
  return true;
}

// A TRANSPOSE as the converter writes it (malformed files may give others).
bool is_transpose(const OperatorDesc& op) {
  return op.type == OpType::kTranspose && op.inputs.size() == 1 && op.inputs[0] >= 0 &&
         op.outputs.size() == 1 &&
         std::holds_alternative<TransposeOptions>(op.options);
}

bool contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

int cancel_transpose_pairs(GraphDesc* graph) {
  std::vector<OperatorDesc>& ops = graph->operators;
  std::vector<int> readers(graph->tensors.size(), 0);
  for (const OperatorDesc& op : ops) {
    for (int t : op.inputs) {
      if (t >= 0) readers[t]++;
    }
  }
  std::vector<bool> removed(ops.size(), false);
  int pairs = 0;
  for (size_t b = 0; b < ops.size(); ++b) {
    if (!is_transpose(ops[b])) continue;
    const int middle = ops[b].inputs[0];
    const int y = ops[b].outputs[0];
    if (readers[middle] != 1 || contains(graph->outputs, middle) ||
        contains(graph->outputs, y)) {
      continue;
    }
    // The TRANSPOSE writing `middle`, if any and not already paired.
    size_t a = 0;
    while (a < b && !(contains(ops[a].outputs, middle) && !removed[a])) ++a;
    if (a == b || !is_transpose(ops[a])) continue;
    const int x = ops[a].inputs[0];
    const TensorDesc& in = graph->tensors[x];
    const TensorDesc& out = graph->tensors[y];
    if (in.dtype != out.dtype || !(in.shape == out.shape) ||
        !same_quantization(in.quant, out.quant) ||
        !cancels(std::get<TransposeOptions>(ops[a].options).perm,
                 std::get<TransposeOptions>(ops[b].options).perm)) {
      continue;
    }
    for (OperatorDesc& reader : ops) {
      std::replace(reader.inputs.begin(), reader.inputs.end(), y, x);
    }
    readers[x] += readers[y] - 1;
    readers[y] = 0;
    removed[a] = removed[b] = true;
    ++pairs;
  }
  std::vector<OperatorDesc> kept;
  for (size_t k = 0; k < ops.size(); ++k) {
    if (!removed[k]) kept.push_back(std::move(ops[k]));
  }
  ops = std::move(kept);
  return pairs;
}

void emit_live_graph(const GraphDesc& graph, ModelBuilder* out, ConversionSummary* summary) {
  const int num_tensors = static_cast<int>(graph.tensors.size());
  std::vector<bool> live_tensor(num_tensors, false);
  for (int t : graph.outputs) live_tensor[t] = true;
  for (int t : graph.inputs) live_tensor[t] = true;
  // Backwards: an operator is live when a live tensor is among its outputs.
  std::vector<bool> live_op(graph.operators.size(), false);
  for (size_t k = graph.operators.size(); k-- > 0;) {
    const OperatorDesc& op = graph.operators[k];
    for (int t : op.outputs) live_op[k] = live_op[k] || live_tensor[t];
    if (!live_op[k]) continue;
    for (int t : op.inputs) {
      if (t >= 0) live_tensor[t] = true;
    }
    for (int t : op.outputs) live_tensor[t] = true;
  }

  out->set_description(graph.description);
  summary->tensors = 0;
  summary->constant_tensors = 0;
  summary->weight_bytes_after = 0;
  summary->operators_by_kind.clear();
  std::vector<int> remap(num_tensors, kAbsentInput);
  for (int t = 0; t < num_tensors; ++t) {
    if (!live_tensor[t]) continue;
    const TensorDesc& desc = graph.tensors[t];
    summary->tensors++;
    if (desc.is_constant()) {
      remap[t] = out->add_constant(desc.name, desc.dtype, desc.shape, desc.data, desc.data_bytes,
                                   desc.quant);
      summary->constant_tensors++;
      summary->weight_bytes_after += desc.data_bytes;
    } else if (desc.is_variable) {
      remap[t] = out->add_variable(desc.name, desc.dtype, desc.shape, desc.quant);
    } else {
      remap[t] = out->add_tensor(desc.name, desc.dtype, desc.shape, desc.quant);
    }
  }
  auto mapped = [&](const std::vector<int>& tensors) {
    std::vector<int> result;
    for (int t : tensors) result.push_back(t >= 0 ? remap[t] : kAbsentInput);
    return result;
  };
  for (size_t k = 0; k < graph.operators.size(); ++k) {
    if (!live_op[k]) continue;
    const OperatorDesc& op = graph.operators[k];
    out->add_operator(op.type, mapped(op.inputs), mapped(op.outputs), op.options, op.name);
    summary->operators_by_kind[op_type_name(op.type)]++;
  }
  out->set_inputs(mapped(graph.inputs));
  out->set_outputs(mapped(graph.outputs));
}

}  // namespace convert
}  // namespace lowbit
