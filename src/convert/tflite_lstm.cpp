// UNIDIRECTIONAL_SEQUENCE_LSTM and BIDIRECTIONAL_SEQUENCE_LSTM: TFLite's 24
// or 48 operands map one to one (absent ones stay absent);
// UnidirectionalSequenceLSTMOptions (and, for the fully-integer form, the
// hidden state's quantization recorded on the operator's fifth intermediate
// tensor) or BidirectionalSequenceLSTMOptions become SequenceLstmOptions.
#include <cmath>

#include "convert/importer.h"

namespace lowbit {
namespace convert {
namespace {

constexpr size_t kIntegerLstmIntermediates = 5;  // 4 gate outputs, then the hidden state
constexpr size_t kHiddenIntermediate = 4;

constexpr size_t kForgetLayerNormInput = 21;
const char* const kIntermediateNames[kIntegerLstmIntermediates] = {
    "input_to_input_intermediate", "input_to_forget_intermediate", "input_to_cell_intermediate",
    "input_to_output_intermediate", "effective_hidden_scale_intermediate"};

// The per-tensor scale and zero point TFLite's converter recorded on
// intermediate `which` of the integer LSTM (tensor `index`).
Status read_intermediate(const Importer& im, size_t which, int index, float* scale,
                         int32_t* zero_point) {
  const tfl::QuantizationParameters* q =
      index >= 0 && index < im.num_tensors() ? im.tfl_tensor(index)->quantization() : nullptr;
  if (q == nullptr || q->scale() == nullptr || q->scale()->size() != 1) {
    return invalid("intermediate " + std::to_string(which) + " " + im.tensor_label(index) + " (" +
                   kIntermediateNames[which] + ") has no per-tensor scale; the integer LSTM " +
                   (which == kHiddenIntermediate ? "needs it" : "with layer normalisation needs it"));
  }
  *scale = q->scale()->Get(0);
  const int64_t zp = q->zero_point() != nullptr && q->zero_point()->size() == 1
                         ? tfl::read_int64(q->zero_point(), 0)
                         : 0;
  if (zp < -128 || zp > 127) {
    return invalid("intermediate " + im.tensor_label(index) + " has zero point " +
                   std::to_string(zp) + ", outside int8");
  }
  *zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

// The operator with its operands one to one (absent ones stay absent).
Status add_lstm(Importer& im, const OpContext& ctx, OpType type, const SequenceLstmOptions& options) {
  std::vector<int> inputs, outputs;
  for (int t : ctx.inputs) {
    Result<int> r = im.optional_tensor(t);
    if (!r.ok()) return r.status();
    inputs.push_back(r.value());
  }
  for (int t : ctx.outputs) {
    Result<int> out = im.tensor(t);
    if (!out.ok()) return out.status();
    outputs.push_back(out.value());
  }
  im.add_operator(ctx, type, inputs, outputs, options);
  return Status::Ok();
}

}  // namespace

Status convert_sequence_lstm(Importer& im, const OpContext& ctx) {
  if (ctx.inputs.size() != 20 && ctx.inputs.size() != 24) {
    return invalid("has " + std::to_string(ctx.inputs.size()) + " inputs; expected 20 or 24");
  }
  if (ctx.outputs.size() != 1) {
    return invalid("has " + std::to_string(ctx.outputs.size()) + " outputs; expected 1");
  }
  SequenceLstmOptions options;
  const tfl::OptionsTable* o = ctx.op->builtin_options();
  if (o != nullptr) {
    if (ctx.op->builtin_options_type() != tfl::kUnidirectionalSequenceLstmOptions) {
      return invalid("builtin options have union type " +
                     std::to_string(ctx.op->builtin_options_type()) + ", expected " +
                     std::to_string(tfl::kUnidirectionalSequenceLstmOptions));
    }
    options.cell_activation = o->byte_field(0, 0);
    options.cell_clip = o->float_field(1, 0.0f);
    options.proj_clip = o->float_field(2, 0.0f);
    options.time_major = o->bool_field(3, false);
    options.asymmetric_quantize_inputs = o->bool_field(4, false);
    if (o->bool_field(5, false)) {
      return unsupported("diagonal_recurrent_tensors (recurrent weights as diagonals) is not "
                         "supported");
    }
  }
  if (im.tfl_type(ctx.inputs[0]) == tfl::kInt8) {
    const tfl::Vec<int32_t>* intermediates = ctx.op->intermediates();
    const size_t count = intermediates == nullptr ? 0 : intermediates->size();
    if (count != kIntegerLstmIntermediates) {
      return invalid("the integer LSTM needs the 5 intermediate tensors TFLite's converter "
                     "records (gate and hidden-state scales); the operator has " +
                     std::to_string(count));
    }
    LOWBIT_RETURN_IF_ERROR(read_intermediate(im, kHiddenIntermediate,
                                             intermediates->Get(kHiddenIntermediate),
                                             &options.hidden_scale, &options.hidden_zero_point));
    // With layer normalisation the gates' pre-activation scales come from
    // intermediates 0-3 (the input gate's is unused with CIFG).
    const bool layer_norm = ctx.inputs.size() > kForgetLayerNormInput &&
                            ctx.inputs[kForgetLayerNormInput] >= 0;
    float* gate_scales[] = {&options.input_gate_scale, &options.forget_gate_scale,
                            &options.cell_gate_scale, &options.output_gate_scale};
    const bool cifg = ctx.inputs[1] < 0;
    for (size_t g = 0; layer_norm && g < 4; ++g) {
      if (g == 0 && cifg) continue;
      int32_t unused_zero_point = 0;
      LOWBIT_RETURN_IF_ERROR(read_intermediate(im, g, intermediates->Get(static_cast<uint32_t>(g)),
                                               gate_scales[g], &unused_zero_point));
    }
  }
  return add_lstm(im, ctx, OpType::kUnidirectionalSequenceLstm, options);
}

Status convert_bidirectional_lstm(Importer& im, const OpContext& ctx) {
  if (ctx.inputs.size() != 48) {
    return invalid("has " + std::to_string(ctx.inputs.size()) + " inputs; expected 48");
  }
  SequenceLstmOptions options;
  options.time_major = true;  // the schema's default for this operator
  const tfl::OptionsTable* o = ctx.op->builtin_options();
  if (o != nullptr) {
    if (ctx.op->builtin_options_type() != tfl::kBidirectionalSequenceLstmOptions) {
      return invalid("builtin options have union type " +
                     std::to_string(ctx.op->builtin_options_type()) + ", expected " +
                     std::to_string(tfl::kBidirectionalSequenceLstmOptions));
    }
    options.cell_activation = o->byte_field(0, 0);
    options.cell_clip = o->float_field(1, 0.0f);
    options.proj_clip = o->float_field(2, 0.0f);
    options.merge_outputs = o->bool_field(3, false);
    options.time_major = o->bool_field(4, true);
    options.asymmetric_quantize_inputs = o->bool_field(5, false);
  }
  const size_t outputs = options.merge_outputs ? 1 : 2;
  if (ctx.outputs.size() != outputs) {
    return invalid("has " + std::to_string(ctx.outputs.size()) + " outputs; expected " +
                   std::to_string(outputs) + (options.merge_outputs ? " (merge_outputs)" : ""));
  }
  return add_lstm(im, ctx, OpType::kBidirectionalSequenceLstm, options);
}


}  // namespace convert
}  // namespace lowbit
