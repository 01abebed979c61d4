#include "ops/lstm_float_kernel.h"

#include "kernels/reference/lstm_float.h"
#include "ops/lstm_operands.h"
#include "ops/lstm_sequence.h"

namespace lowbit {
namespace {

const float* optional_floats(const PrepareContext& ctx, size_t i) {
  return ctx.has_input(i) ? static_cast<const float*>(ctx.input(i).data) : nullptr;
}

class FloatLstmKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const auto& options = std::get<SequenceLstmOptions>(ctx.op().options);
    shape_ = lstm::sequence_shape(ctx);
    p_.n_batch = shape_.time_major ? shape_.batches : 1;
    p_.n_input = shape_.n_input;
    p_.n_cell = shape_.n_cell;
    p_.n_output = shape_.n_output;
    p_.use_cifg = !ctx.has_input(lstm::kInputWeights);
    const size_t peepholes[ref::kLstmGates] = {lstm::kPeepholeWeights, lstm::kPeepholeWeights + 1,
                                               0, lstm::kPeepholeWeights + 2};
    for (int g = 0; g < ref::kLstmGates; ++g) {
      ref::FloatLstmGate& gate = p_.gates[g];
      gate.input_weights = optional_floats(ctx, lstm::kInputWeights + g);
      gate.recurrent_weights = optional_floats(ctx, lstm::kRecurrentWeights + g);
      gate.bias = optional_floats(ctx, lstm::kGateBias + g);
      gate.peephole_weights = g == ref::kLstmCellGate ? nullptr : optional_floats(ctx, peepholes[g]);
      gate.layer_norm_weights = optional_floats(ctx, lstm::kLayerNormWeights + g);
    }
    p_.cell_clip = options.cell_clip;
    p_.projection_weights = optional_floats(ctx, lstm::kProjectionWeights);
    p_.projection_bias = optional_floats(ctx, lstm::kProjectionBias);
    p_.projection_clip = options.proj_clip;
    ctx.request_scratch(sizeof(float) * static_cast<size_t>(ref::lstm_float_scratch_elements(p_)));
    macs_ = lstm::sequence_macs(shape_, p_.use_cifg, p_.projection_weights != nullptr);
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    // The states are operator inputs updated in place (writable arena tensors).
    float* output_state = static_cast<float*>(const_cast<void*>(ctx.input(lstm::kOutputState)));
    float* cell_state = static_cast<float*>(const_cast<void*>(ctx.input(lstm::kCellState)));
    float* scratch = static_cast<float*>(ctx.scratch());
    lstm::run_sequence(shape_, ctx.input_as<float>(lstm::kInput), output_state, cell_state,
                       ctx.output_as<float>(0), [&](const float* x, float* h, float* c, float* y) {
                         ref::float_lstm_step(p_, x, h, c, scratch, y);
                       });
    return Status::Ok();
  }

  const char* name() const override { return "f32_lstm__reference"; }
  uint64_t macs() const override { return macs_; }

 private:
  ref::FloatLstmParams p_;
  lstm::SequenceShape shape_;
  uint64_t macs_ = 0;
};

}  // namespace

std::unique_ptr<OpKernel> make_lstm_float_kernel() {
  return std::unique_ptr<OpKernel>(new FloatLstmKernel());
}

}  // namespace lowbit
