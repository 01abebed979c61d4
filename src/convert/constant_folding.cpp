// Constant folding at conversion time. An operator whose inputs are all
// constant is converted on its own into a one-operator lowbit model and run
// by lowbit's interpreter with the reference kernels, so the folded value has
// exactly the runtime's semantics; its outputs then become constants and the
// operators reading them convert as if the file had stored them. This is what
// makes Keras' dynamic-batch Flatten (SHAPE -> STRIDED_SLICE -> PACK ->
// RESHAPE) convert: the chain is evaluated and RESHAPE keeps its static shape.
#include <cstring>
#include <map>
#include <memory>
#include <utility>

#include "convert/importer.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"

namespace lowbit {
namespace convert {
namespace {

// TFLite's SHAPE builtin. lowbit has no SHAPE operator: with static shapes it
// is always a constant, so the converter folds it and nothing else needs it.
constexpr int32_t kShapeCode = 77;

// Larger results stay run-time operators: folding them would only grow the
// model (TILE or a broadcast of a constant).
constexpr size_t kMaxFoldedBytes = size_t(1) << 24;

size_t element_bytes(int8_t tfl_type) {
  switch (tfl_type) {
    case tfl::kInt32: return 4;
    case tfl::kInt64: return 8;
    default: return 0;
  }
}

// SHAPE of a tensor with a static shape. A dynamic batch (shape_signature -1)
// reads as the 1 stored in `shape`, the batch every lowbit tensor is planned with.
Result<std::vector<std::vector<uint8_t>>> evaluate_shape(const Importer& im, const OpContext& ctx) {
  if (ctx.inputs.size() != 1 || ctx.outputs.size() != 1) {
    return invalid("SHAPE needs one input and one output");
  }
  Result<Shape> in = im.tfl_shape(ctx.inputs[0]);
  if (!in.ok()) return in.status();
  const int out = ctx.outputs[0];
  const size_t width = element_bytes(im.tfl_type(out));
  Result<Shape> out_shape = im.tfl_shape(out);
  if (!out_shape.ok()) return out_shape.status();
  if (width == 0 || out_shape->num_elements() != in->rank) {
    return invalid("SHAPE output " + im.tensor_label(out) + " must be INT32 or INT64 with " +
                   std::to_string(in->rank) + " elements");
  }
  std::vector<uint8_t> bytes(width * in->rank);
  for (int d = 0; d < in->rank; ++d) {
    const int64_t dim = in->dims[d];
    if (width == 8) {
      std::memcpy(bytes.data() + 8 * d, &dim, 8);
    } else {
      const int32_t dim32 = static_cast<int32_t>(dim);
      std::memcpy(bytes.data() + 4 * d, &dim32, 4);
    }
  }
  return std::vector<std::vector<uint8_t>>{std::move(bytes)};
}

// Converts the operator alone (its constant inputs become the model's
// constants, its outputs the model's outputs) and runs it once.
Result<std::vector<std::vector<uint8_t>>> evaluate_with_lowbit(const Importer& im,
                                                               const OpContext& ctx) {
  ModelBuilder builder;
  ConversionSummary summary;
  Importer single = im.fork(&builder, &summary);
  LOWBIT_RETURN_IF_ERROR(convert_builtin(single, ctx, ctx.code));
  std::vector<int> outputs;
  for (int t : ctx.outputs) {
    Result<int> index = single.tensor(t);
    if (!index.ok()) return index.status();
    outputs.push_back(index.value());
  }
  builder.set_outputs(outputs);
  Result<std::vector<uint8_t>> lbm = builder.finish();
  if (!lbm.ok()) return lbm.status();
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(lbm->data(), lbm->size());
  if (!model.ok()) return model.status();
  InterpreterOptions options;
  options.kernel = "reference";
  Interpreter interpreter(model.value(), options);
  LOWBIT_RETURN_IF_ERROR(interpreter.prepare());
  LOWBIT_RETURN_IF_ERROR(interpreter.invoke());
  std::vector<std::vector<uint8_t>> values(interpreter.num_outputs());
  for (size_t i = 0; i < values.size(); ++i) {
    const TensorView out = interpreter.output(i);
    values[i].assign(out.as<uint8_t>(), out.as<uint8_t>() + out.bytes);
  }
  return values;
}

bool is_graph_output(const std::vector<int>& graph_outputs, int tensor) {
  for (int t : graph_outputs) {
    if (t == tensor) return true;
  }
  return false;
}

// Whether folding may be tried: a builtin with every input constant (SHAPE
// needs only a shape), outputs that are neither graph outputs (they stay
// computed, as the caller asked for them) nor bitpacked, and small results.
bool may_fold(const Importer& im, const OpContext& ctx, const std::vector<int>& graph_outputs) {
  // DEQUANTIZE of constant weights has its own folding (weight_folding.cpp).
  if (ctx.code < 0 || ctx.code == tfl::kCustom || ctx.code == tfl::kDequantize) return false;
  if (ctx.inputs.empty() || ctx.outputs.empty()) return false;
  for (int t : ctx.outputs) {
    size_t bytes = 0;
    if (t < 0 || t >= im.num_tensors() || is_graph_output(graph_outputs, t) ||
        im.bit_channels(t) > 0 || im.constant_data(t, &bytes) != nullptr) {
      return false;
    }
    Result<Shape> shape = im.tfl_shape(t);
    if (!shape.ok() || static_cast<size_t>(shape->num_elements()) * 8 > kMaxFoldedBytes) {
      return false;
    }
  }
  if (ctx.code == kShapeCode) return true;
  for (int t : ctx.inputs) {
    if (t < 0) continue;  // optional input not given
    size_t bytes = 0;
    if (im.bit_channels(t) > 0 || im.constant_data(t, &bytes) == nullptr) return false;
  }
  return true;
}

}  // namespace

void fold_constant_operators(Importer& im, const std::vector<OpContext>& ops,
                             std::vector<bool>* folded) {
  folded->assign(ops.size(), false);
  // Once its inputs are constant an operator's evaluation cannot change: one try each.
  std::vector<bool> tried(ops.size(), false);
  const std::vector<int> graph_outputs = im.graph_outputs();
  std::map<std::string, int> counts;
  // Operators are stored in execution order, so one sweep folds whole
  // chains; sweeping again until nothing changes also covers files that are not.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = 0; k < ops.size(); ++k) {
      const OpContext& ctx = ops[k];
      if (tried[k] || !may_fold(im, ctx, graph_outputs)) continue;
      tried[k] = true;
      Result<std::vector<std::vector<uint8_t>>> values =
          ctx.code == kShapeCode ? evaluate_shape(im, ctx) : evaluate_with_lowbit(im, ctx);
      // An operator lowbit cannot evaluate stays, and its conversion reports why.
      if (!values.ok() || values->size() != ctx.outputs.size()) continue;
      for (size_t i = 0; i < ctx.outputs.size(); ++i) {
        im.set_folded_constant(ctx.outputs[i], std::move(values.value()[i]));
      }
      (*folded)[k] = true;
      counts[ctx.kind]++;
      changed = true;
    }
  }
  if (counts.empty()) return;
  std::string note = "evaluated at conversion time (inputs all constant):";
  for (const auto& entry : counts) {
    note += " " + entry.first + " x" + std::to_string(entry.second);
  }
  im.note(note);
}

}  // namespace convert
}  // namespace lowbit
