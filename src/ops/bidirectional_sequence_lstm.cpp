// BIDIRECTIONAL_SEQUENCE_LSTM: TFLite's 48 operands, float32 or hybrid (int8
// weights): a forward cell (inputs 1-17, states 35-36) over the sequence and a
// backward cell (inputs 18-34, states 37-38) over it from the last step to the
// first, each the UNIDIRECTIONAL_SEQUENCE_LSTM cell without layer norm. Two
// outputs, or with merge_outputs one whose last axis holds the forward then
// the backward units. The auxiliary input (39-47, stacked bidirectional
// LSTMs) is refused by name.
#include <algorithm>
#include <string>

#include "ops/lstm_float_kernel.h"
#include "ops/lstm_operands.h"
#include "ops/lstm_validation.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  if (op.inputs.size() != lstm::kBidirectionalInputs) {
    return invalid("expects 48 inputs, has " + std::to_string(op.inputs.size()));
  }
  const SequenceLstmOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  const size_t outputs = options->merge_outputs ? 1 : 2;
  if (op.outputs.size() != outputs) {
    return invalid("expects " + std::to_string(outputs) + " output" + (outputs == 1 ? "" : "s") +
                   (options->merge_outputs ? " (merge_outputs)" : "") + ", has " +
                   std::to_string(op.outputs.size()));
  }
  for (size_t i = lstm::kAuxInput; i < lstm::kBidirectionalInputs; ++i) {
    if (lstm_input_present(op, i)) {
      return Status(StatusCode::kUnsupported,
                    "the auxiliary input and its weights (inputs 39-47, stacked bidirectional "
                    "LSTMs) are not supported; input " + std::to_string(i) + " is present");
    }
  }
  for (size_t i : {lstm::kInput, kForwardLstmCell.input_weights + 1,
                   kBackwardLstmCell.input_weights + 1}) {
    if (!lstm_input_present(op, i)) return invalid("required input " + std::to_string(i) + " is absent");
  }
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, lstm::kInput, {DType::kFloat32}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, lstm::kInput, 3));
  const Shape& in = graph.tensors[op.inputs[lstm::kInput]].shape;
  if (in[0] < 1 || in[1] < 1) {
    return invalid(describe_input(graph, op, lstm::kInput) + " or the weights are empty");
  }
  const LstmTypes *forward = nullptr, *backward = nullptr;
  LOWBIT_RETURN_IF_ERROR(lstm_types(graph, op, kForwardLstmCell, &forward));
  LOWBIT_RETURN_IF_ERROR(lstm_types(graph, op, kBackwardLstmCell, &backward));
  if (forward != backward) {
    return invalid("the forward and backward cells' weights must have one element type (" +
                   std::string(dtype_name(graph.tensors[op.inputs[2]].dtype)) + " vs " +
                   dtype_name(graph.tensors[op.inputs[19]].dtype) + ")");
  }
  const int n_batch = options->time_major ? in[1] : in[0];
  int fw_cell = 0, fw_output = 0, bw_cell = 0, bw_output = 0;
  LOWBIT_RETURN_IF_ERROR(check_lstm_cell(graph, op, kForwardLstmCell, *forward, in[2], n_batch,
                                         &fw_cell, &fw_output));
  LOWBIT_RETURN_IF_ERROR(check_lstm_cell(graph, op, kBackwardLstmCell, *backward, in[2], n_batch,
                                         &bw_cell, &bw_output));
  LOWBIT_RETURN_IF_ERROR(check_lstm_clips_and_activation(options->cell_activation,
                                                         options->cell_clip, options->proj_clip));
  output_shapes[0] = Shape{in[0], in[1], options->merge_outputs ? fw_output + bw_output : fw_output};
  if (!options->merge_outputs) output_shapes[1] = Shape{in[0], in[1], bw_output};
  for (size_t o = 0; o < outputs; ++o) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, o, {DType::kFloat32}));
  }
  return Status::Ok();
}

// The sequence seen by one direction's cell.
lstm::SequenceShape cell_shape(const PrepareContext& ctx, const LstmCellOperands& cell,
                               bool forward, int output_stride) {
  const auto& options = std::get<SequenceLstmOptions>(ctx.op().options);
  const Shape& input = ctx.input(lstm::kInput).shape;
  lstm::SequenceShape s;
  s.time_major = options.time_major;
  s.steps = s.time_major ? input[0] : input[1];
  s.batches = s.time_major ? input[1] : input[0];
  s.n_input = input[2];
  s.n_cell = ctx.input(cell.input_weights + 1).shape[0];
  s.n_output = ctx.has_input(cell.projection_weights) ? ctx.input(cell.projection_weights).shape[0]
                                                      : s.n_cell;
  s.forward = forward;
  s.output_stride = output_stride;
  return s;
}

class BidirectionalLstmKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const auto& options = std::get<SequenceLstmOptions>(ctx.op().options);
    merged_ = options.merge_outputs;
    LstmCellOptions cell_options;
    cell_options.cell_clip = options.cell_clip;
    cell_options.proj_clip = options.proj_clip;
    cell_options.asymmetric_quantize_inputs = options.asymmetric_quantize_inputs;
    const int merged_width = ctx.output(0).shape[2];
    lstm::SequenceShape fw = cell_shape(ctx, kForwardLstmCell, true, merged_ ? merged_width : 0);
    lstm::SequenceShape bw = cell_shape(ctx, kBackwardLstmCell, false, merged_ ? merged_width : 0);
    forward_width_ = fw.n_output;
    LOWBIT_RETURN_IF_ERROR(forward_.prepare(ctx, kForwardLstmCell, fw, cell_options));
    LOWBIT_RETURN_IF_ERROR(backward_.prepare(ctx, kBackwardLstmCell, bw, cell_options));
    // The two cells run one after the other and share the scratch.
    ctx.request_scratch(std::max(forward_.scratch_bytes(), backward_.scratch_bytes()));
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const float* input = ctx.input_as<float>(lstm::kInput);
    float* out = ctx.output_as<float>(0);
    forward_.run(ctx, input, out, ctx.scratch());
    backward_.run(ctx, input, merged_ ? out + forward_width_ : ctx.output_as<float>(1),
                  ctx.scratch());
    return Status::Ok();
  }

  const char* name() const override {
    return forward_.hybrid() ? "hybrid_bidirectional_lstm__reference"
                             : "f32_bidirectional_lstm__reference";
  }
  uint64_t macs() const override { return forward_.macs() + backward_.macs(); }

 private:
  FloatLstmCell forward_, backward_;
  bool merged_ = false;
  int forward_width_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(BidirectionalSequenceLstm, validate, create_kernel<BidirectionalLstmKernel>)

}  // namespace lowbit
