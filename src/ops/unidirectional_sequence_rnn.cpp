// UNIDIRECTIONAL_SEQUENCE_RNN: validation of TFLite's five operands (input,
// input_weights, recurrent_weights, bias, variable hidden state) and the
// float32 kernel, time-major ([time, batch, in]) or batch-major
// ([batch, time, in]). The hybrid form (int8 weights) is refused.
#include <string>

#include "kernels/reference/rnn.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"
#include "ops/recurrent_checks.h"

namespace lowbit {
namespace {

constexpr size_t kInput = 0, kInputWeights = 1, kRecurrentWeights = 2, kBias = 3, kHidden = 4;

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 5, 5, 1));
  const RecurrentOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, kInput, {DType::kFloat32}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kInput, 3));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kInput));
  if (graph.tensors[op.inputs[kInputWeights]].dtype != DType::kFloat32) {
    return Status(StatusCode::kUnsupported,
                  "the hybrid RNN (" + describe_input(graph, op, kInputWeights) +
                      " not float32) is not supported yet");
  }
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kInputWeights, 2));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kInputWeights));
  const Shape& in = graph.tensors[op.inputs[kInput]].shape;
  const int units = graph.tensors[op.inputs[kInputWeights]].shape[0];
  const int batches = options->time_major ? in[1] : in[0];
  LOWBIT_RETURN_IF_ERROR(
      check_constant_operand(graph, op, kInputWeights, DType::kFloat32, Shape{units, in[2]}));
  LOWBIT_RETURN_IF_ERROR(
      check_constant_operand(graph, op, kRecurrentWeights, DType::kFloat32, Shape{units, units}));
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kBias, DType::kFloat32, Shape{units}));
  LOWBIT_RETURN_IF_ERROR(check_state_operand(graph, op, kHidden, DType::kFloat32,
                                             Shape{batches, units}, "batch x units"));
  LOWBIT_RETURN_IF_ERROR(check_fused_activation(options->fused_activation));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  output_shapes[0] = Shape{in[0], in[1], units};
  return Status::Ok();
}

class FloatRnnKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const auto& options = std::get<RecurrentOptions>(ctx.op().options);
    const Shape& in = ctx.input(kInput).shape;
    time_major_ = options.time_major;
    activation_ = options.fused_activation;
    steps_ = time_major_ ? in[0] : in[1];
    batches_ = time_major_ ? in[1] : in[0];
    shape_.inputs = in[2];
    shape_.units = ctx.input(kInputWeights).shape[0];
    // Time-major steps the whole batch at once; batch-major one row at a time.
    shape_.batches = time_major_ ? batches_ : 1;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const float* x = ctx.input_as<float>(kInput);
    const float* w_in = ctx.input_as<float>(kInputWeights);
    const float* w_rec = ctx.input_as<float>(kRecurrentWeights);
    const float* bias = ctx.input_as<float>(kBias);
    // The hidden state is an operator input updated in place (a variable
    // tensor in the writable arena).
    float* hidden = static_cast<float*>(const_cast<void*>(ctx.input(kHidden)));
    float* out = ctx.output_as<float>(0);
    const int64_t in_row = shape_.inputs, out_row = shape_.units;
    if (time_major_) {
      for (int t = 0; t < steps_; ++t) {
        ref::rnn_float_step(shape_, x + t * batches_ * in_row, w_in, w_rec, bias, activation_,
                            hidden, out + t * batches_ * out_row);
      }
      return Status::Ok();
    }
    for (int b = 0; b < batches_; ++b) {
      for (int t = 0; t < steps_; ++t) {
        const int64_t row = int64_t{b} * steps_ + t;
        ref::rnn_float_step(shape_, x + row * in_row, w_in, w_rec, bias, activation_,
                            hidden + b * out_row, out + row * out_row);
      }
    }
    return Status::Ok();
  }

  const char* name() const override { return "f32_rnn__reference"; }
  uint64_t macs() const override {
    return uint64_t(steps_) * batches_ * shape_.units * uint64_t(shape_.inputs + shape_.units);
  }

 private:
  ref::RnnShape shape_;
  bool time_major_ = false;
  int activation_ = 0;
  int steps_ = 0, batches_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(UnidirectionalSequenceRnn, validate, create_kernel<FloatRnnKernel>)

}  // namespace lowbit
