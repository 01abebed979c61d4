// UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite's 24 operands map one to one (absent
// ones stay absent); UnidirectionalSequenceLSTMOptions and, for the
// fully-integer form, the hidden state's quantization recorded on the
// operator's fifth intermediate tensor become SequenceLstmOptions.
#include <cmath>

#include "convert/importer.h"

namespace lowbit {
namespace convert {
namespace {

constexpr size_t kIntegerLstmIntermediates = 5;  // 4 gate outputs, then the hidden state
constexpr size_t kHiddenIntermediate = 4;

// The per-tensor scale and zero point TFLite's converter recorded on an
// intermediate tensor of the integer LSTM.
Status read_intermediate(const Importer& im, int index, float* scale, int32_t* zero_point) {
  const tfl::QuantizationParameters* q =
      index >= 0 && index < im.num_tensors() ? im.tfl_tensor(index)->quantization() : nullptr;
  if (q == nullptr || q->scale() == nullptr || q->scale()->size() != 1) {
    return invalid("intermediate " + im.tensor_label(index) +
                   " (effective_hidden_scale_intermediate) has no per-tensor scale; the "
                   "integer LSTM needs it");
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
    LOWBIT_RETURN_IF_ERROR(read_intermediate(im, intermediates->Get(kHiddenIntermediate),
                                             &options.hidden_scale, &options.hidden_zero_point));
  }
  std::vector<int> inputs, outputs;
  for (int t : ctx.inputs) {
    Result<int> r = im.optional_tensor(t);
    if (!r.ok()) return r.status();
    inputs.push_back(r.value());
  }
  Result<int> out = im.tensor(ctx.outputs[0]);
  if (!out.ok()) return out.status();
  outputs.push_back(out.value());
  im.add_operator(ctx, OpType::kUnidirectionalSequenceLstm, inputs, outputs, options);
  return Status::Ok();
}

}  // namespace convert
}  // namespace lowbit
