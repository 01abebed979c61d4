// UNIDIRECTIONAL_SEQUENCE_RNN: validation of TFLite's five operands (input,
// input_weights, recurrent_weights, bias, variable hidden state) and the
// float32 and hybrid (int8 weights, float activations quantized on the fly)
// kernels, time-major ([time, batch, in]) or batch-major ([batch, time, in]).
#include <algorithm>
#include <cstring>
#include <string>

#include "kernels/f32_dot4.h"
#include "kernels/qs8_matvec.h"
#include "kernels/reference/hybrid.h"
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
  const bool hybrid = graph.tensors[op.inputs[kInputWeights]].dtype == DType::kInt8;
  const DType weights = hybrid ? DType::kInt8 : DType::kFloat32;
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kInputWeights, 2));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kInputWeights));
  const Shape& in = graph.tensors[op.inputs[kInput]].shape;
  const int units = graph.tensors[op.inputs[kInputWeights]].shape[0];
  const int batches = options->time_major ? in[1] : in[0];
  LOWBIT_RETURN_IF_ERROR(
      check_constant_operand(graph, op, kInputWeights, weights, Shape{units, in[2]}));
  LOWBIT_RETURN_IF_ERROR(
      check_constant_operand(graph, op, kRecurrentWeights, weights, Shape{units, units}));
  if (hybrid) {
    // TFLite scales by the weights' scales and subtracts no weight zero point.
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kInputWeights));
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kRecurrentWeights));
  }
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kBias, DType::kFloat32, Shape{units}));
  LOWBIT_RETURN_IF_ERROR(check_state_operand(graph, op, kHidden, DType::kFloat32,
                                             Shape{batches, units}, "batch x units"));
  LOWBIT_RETURN_IF_ERROR(check_fused_activation(options->fused_activation));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  output_shapes[0] = Shape{in[0], in[1], units};
  return Status::Ok();
}

// Float or hybrid (int8 weights): one cell step per time step, the whole
// batch at once (time-major) or one sequence after another (batch-major).
class RnnKernel : public OpKernel {
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
    if (ctx.input(kInputWeights).dtype == DType::kInt8) return prepare_hybrid(ctx, options);
    // The products through a kernels/f32_dot4.h row where the CPU has one
    // (the same bits); the reference kernel set runs ref::rnn_float_step.
    const auto& dot = ctx.selector().select(f32_dot4_variants());
    if (std::strcmp(dot.isa, "reference") != 0) {
      dot4_ = dot.fn;
      name_ = std::string("f32_rnn+") + dot.name;
      ctx.request_scratch(2 * sizeof(float) * size_t(shape_.batches) * shape_.units);
    }
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const float* x = ctx.input_as<float>(kInput);
    // The hidden state is an operator input updated in place (a variable
    // tensor in the writable arena).
    float* hidden = static_cast<float*>(const_cast<void*>(ctx.input(kHidden)));
    float* out = ctx.output_as<float>(0);
    const int64_t in_row = shape_.inputs, out_row = shape_.units;
    if (time_major_) {
      for (int t = 0; t < steps_; ++t) {
        step(ctx, x + t * batches_ * in_row, hidden, out + t * batches_ * out_row);
      }
      return Status::Ok();
    }
    for (int b = 0; b < batches_; ++b) {
      for (int t = 0; t < steps_; ++t) {
        const int64_t row = int64_t{b} * steps_ + t;
        step(ctx, x + row * in_row, hidden + b * out_row, out + row * out_row);
      }
    }
    return Status::Ok();
  }

  const char* name() const override {
    if (!hybrid_) return dot4_ != nullptr ? name_.c_str() : "f32_rnn__reference";
    return weights_.matvec != nullptr ? name_.c_str() : "hybrid_rnn__reference";
  }
  uint64_t macs() const override {
    return uint64_t(steps_) * batches_ * shape_.units * uint64_t(shape_.inputs + shape_.units);
  }

 private:
  // The weights' scales and, for asymmetric inputs, their row sums.
  Status prepare_hybrid(PrepareContext& ctx, const RecurrentOptions& options) {
    hybrid_ = true;
    const int units = shape_.units, inputs = shape_.inputs;
    auto* sums = static_cast<int32_t*>(ctx.allocate_persistent(sizeof(int32_t) * size_t(2 * units)));
    if (sums == nullptr) return Status(StatusCode::kResourceExhausted, "no memory for the RNN's row sums");
    weights_.input_weights = static_cast<const int8_t*>(ctx.input(kInputWeights).data);
    weights_.recurrent_weights = static_cast<const int8_t*>(ctx.input(kRecurrentWeights).data);
    weights_.input_scale = ctx.input(kInputWeights).quant.scales[0];
    weights_.recurrent_scale = ctx.input(kRecurrentWeights).quant.scales[0];
    ref::int8_row_sums(weights_.input_weights, units, inputs, sums);
    ref::int8_row_sums(weights_.recurrent_weights, units, units, sums + units);
    weights_.input_row_sums = sums;
    weights_.recurrent_row_sums = sums + units;
    weights_.asymmetric = options.asymmetric_quantize_inputs;
    // One row's int32 sums, then its quantized values.
    ctx.request_scratch(sizeof(int32_t) * size_t(units) + size_t(std::max(inputs, units)));
    // The products' sums through a SIMD row where the CPU has one; the
    // reference kernel set runs ref::hybrid_matvec_accumulate directly.
    const auto& matvec = ctx.selector().select(qs8_matvec_variants());
    if (std::strcmp(matvec.isa, "reference") != 0) {
      weights_.matvec = matvec.fn;
      name_ = std::string("hybrid_rnn+") + matvec.name;
    }
    return Status::Ok();
  }

  void step(const RunContext& ctx, const float* x, float* hidden, float* out) const {
    const float* bias = ctx.input_as<float>(kBias);
    if (hybrid_) {
      auto* sums = static_cast<int32_t*>(ctx.scratch());
      ref::rnn_hybrid_step(shape_, x, weights_, bias, activation_, hidden, out,
                           reinterpret_cast<int8_t*>(sums + shape_.units), sums);
    } else if (dot4_ != nullptr) {
      // Every product of the step before the hidden state is overwritten.
      const size_t units = size_t(shape_.units), n = size_t(shape_.batches) * units;
      float* in_dots = static_cast<float*>(ctx.scratch());
      float* rec_dots = in_dots + n;
      for (size_t b = 0; b < size_t(shape_.batches); ++b) {
        dot4_(units, size_t(shape_.inputs), ctx.input_as<float>(kInputWeights),
              x + b * size_t(shape_.inputs), 0, in_dots + b * units);
        dot4_(units, units, ctx.input_as<float>(kRecurrentWeights), hidden + b * units, 0,
              rec_dots + b * units);
      }
      ref::rnn_float_finish(shape_, bias, activation_, in_dots, rec_dots, hidden, out);
    } else {
      ref::rnn_float_step(shape_, x, ctx.input_as<float>(kInputWeights),
                          ctx.input_as<float>(kRecurrentWeights), bias, activation_, hidden, out);
    }
  }

  bool hybrid_ = false;
  ref::RnnHybridWeights weights_;
  std::string name_;
  ref::F32Dot4Fn dot4_ = nullptr;  // null: the reference float step
  ref::RnnShape shape_;
  bool time_major_ = false;
  int activation_ = 0;
  int steps_ = 0, batches_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(UnidirectionalSequenceRnn, validate, create_kernel<RnnKernel>)

}  // namespace lowbit
