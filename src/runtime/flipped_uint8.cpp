#include "runtime/flipped_uint8.h"

namespace lowbit {
namespace {

enum class FlipForm { kNone, kAnyMix, kAllOrNone };

FlipForm flip_form(OpType type) {
  switch (type) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
      return FlipForm::kAnyMix;
    case OpType::kAdd:
    case OpType::kSub:
      return FlipForm::kAllOrNone;
    default:
      return FlipForm::kNone;
  }
}

// The activation operands of `op` a flipped form concerns: input 0 (and 1
// for the binary operators) and output 0. At most three, held inline so the
// plan allocates nothing per operator.
struct Operands {
  int index[3];
  size_t count = 0;
  const int* begin() const { return index; }
  const int* end() const { return index + count; }
};

Operands activation_operands(const OperatorDesc& op) {
  Operands operands;
  const size_t inputs = flip_form(op.type) == FlipForm::kAllOrNone ? 2 : 1;
  for (size_t i = 0; i < inputs && i < op.inputs.size(); ++i) {
    operands.index[operands.count++] = op.inputs[i];
  }
  if (!op.outputs.empty()) operands.index[operands.count++] = op.outputs[0];
  return operands;
}

}  // namespace

std::vector<bool> plan_flipped_uint8(const GraphDesc& graph) {
  const size_t num_tensors = graph.tensors.size();
  std::vector<bool> flipped(num_tensors, false);
  for (size_t t = 0; t < num_tensors; ++t) {
    const TensorDesc& desc = graph.tensors[t];
    flipped[t] = desc.dtype == DType::kUInt8 && !desc.is_constant() && !desc.is_variable;
  }
  for (int t : graph.inputs) flipped[t] = false;
  for (int t : graph.outputs) flipped[t] = false;
  // Every operator touching a tensor must take it flipped, in the operand
  // slot it appears in (a CONV_2D's weights, an ADD's third input do not).
  for (const OperatorDesc& op : graph.operators) {
    const Operands operands = activation_operands(op);
    const bool capable = flip_form(op.type) != FlipForm::kNone;
    auto is_operand = [&](int t) {
      for (int o : operands) {
        if (o == t) return true;
      }
      return false;
    };
    for (int t : op.inputs) {
      if (t >= 0 && (!capable || !is_operand(t))) flipped[t] = false;
    }
    for (int t : op.outputs) {
      if (t >= 0 && (!capable || !is_operand(t))) flipped[t] = false;
    }
  }
  // ADD and SUB: all of their operands or none; dropping one may drop
  // another operator's, so repeat until nothing changes.
  for (bool changed = true; changed;) {
    changed = false;
    for (const OperatorDesc& op : graph.operators) {
      if (flip_form(op.type) != FlipForm::kAllOrNone) continue;
      const Operands operands = activation_operands(op);
      bool all = true;
      for (int t : operands) all = all && t >= 0 && flipped[t];
      if (all) continue;
      for (int t : operands) {
        if (t >= 0 && flipped[t]) flipped[t] = false, changed = true;
      }
    }
  }
  return flipped;
}

}  // namespace lowbit
