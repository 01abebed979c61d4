#include "ops/lstm_float_kernel.h"

#include "kernels/reference/hybrid.h"
#include "ops/lstm_operands.h"

namespace lowbit {
namespace {

bool present(const PrepareContext& ctx, size_t i) {
  return i != kNoLayerNorm && ctx.has_input(i);
}

const float* optional_floats(const PrepareContext& ctx, size_t i) {
  return present(ctx, i) ? static_cast<const float*>(ctx.input(i).data) : nullptr;
}

}  // namespace

Status FloatLstmCell::prepare(PrepareContext& ctx, const LstmCellOperands& operands,
                              const lstm::SequenceShape& shape, const LstmCellOptions& options) {
  operands_ = operands;
  shape_ = shape;
  // Time-major steps all sequences at once; batch-major one at a time.
  p_.n_batch = shape.time_major ? shape.batches : 1;
  p_.n_input = shape.n_input;
  p_.n_cell = shape.n_cell;
  p_.n_output = shape.n_output;
  p_.use_cifg = !ctx.has_input(operands.input_weights);
  const size_t peepholes[ref::kLstmGates] = {operands.peephole_weights,
                                             operands.peephole_weights + 1, 0,
                                             operands.peephole_weights + 2};
  const bool hybrid = ctx.input(operands.input_weights + 1).dtype == DType::kInt8;
  for (int g = 0; g < ref::kLstmGates; ++g) {
    ref::FloatLstmGate& gate = p_.gates[g];
    if (!hybrid) {
      gate.input_weights = optional_floats(ctx, operands.input_weights + g);
      gate.recurrent_weights = optional_floats(ctx, operands.recurrent_weights + g);
      gate.peephole_weights = g == ref::kLstmCellGate ? nullptr : optional_floats(ctx, peepholes[g]);
    }
    gate.bias = optional_floats(ctx, operands.gate_bias + g);
    gate.layer_norm_weights = operands.layer_norm_weights == kNoLayerNorm
                                  ? nullptr
                                  : optional_floats(ctx, operands.layer_norm_weights + g);
  }
  p_.cell_clip = options.cell_clip;
  p_.projection_weights = hybrid ? nullptr : optional_floats(ctx, operands.projection_weights);
  p_.projection_bias = optional_floats(ctx, operands.projection_bias);
  p_.projection_clip = options.proj_clip;
  // LiteRT's gate slots hold the whole batch; a batch-major sequence's gates
  // sit at its row (float_lstm_step's slot_offset).
  p_.slot_stride = shape.n_cell * shape.batches;
  p_.output_stride = shape.output_stride;
  if (hybrid) {
    LOWBIT_RETURN_IF_ERROR(prepare_hybrid(ctx, operands, options.asymmetric_quantize_inputs));
  }
  macs_ = lstm::sequence_macs(shape, p_.use_cifg, ctx.has_input(operands.projection_weights));
  return Status::Ok();
}

// The int8 matrices with their scales and row sums, and the peephole weights
// dequantized once (TFLite recovers scale * w every step: the same floats).
Status FloatLstmCell::prepare_hybrid(PrepareContext& ctx, const LstmCellOperands& operands,
                                     bool asymmetric) {
  matrices_.asymmetric = asymmetric;
  auto matrix = [&](size_t i, int rows, int cols, ref::HybridMatrix* m) -> Status {
    if (!ctx.has_input(i)) return Status::Ok();
    const TensorDesc& t = ctx.input(i);
    m->weights = static_cast<const int8_t*>(t.data);
    m->scale = t.quant.scales[0];
    auto* sums = static_cast<int32_t*>(ctx.allocate_persistent(sizeof(int32_t) * size_t(rows)));
    if (sums == nullptr) {
      return Status(StatusCode::kResourceExhausted, "no memory for the hybrid LSTM's row sums");
    }
    ref::int8_row_sums(m->weights, rows, cols, sums);
    m->row_sums = sums;
    return Status::Ok();
  };
  for (int g = 0; g < ref::kLstmGates; ++g) {
    LOWBIT_RETURN_IF_ERROR(
        matrix(operands.input_weights + g, p_.n_cell, p_.n_input, &matrices_.input[g]));
    LOWBIT_RETURN_IF_ERROR(
        matrix(operands.recurrent_weights + g, p_.n_cell, p_.n_output, &matrices_.recurrent[g]));
  }
  LOWBIT_RETURN_IF_ERROR(
      matrix(operands.projection_weights, p_.n_output, p_.n_cell, &matrices_.projection));
  const int gates[3] = {ref::kLstmInputGate, ref::kLstmForgetGate, ref::kLstmOutputGate};
  for (int k = 0; k < 3; ++k) {
    if (!ctx.has_input(operands.peephole_weights + size_t(k))) continue;
    const TensorDesc& t = ctx.input(operands.peephole_weights + size_t(k));
    auto* w = static_cast<float*>(ctx.allocate_persistent(sizeof(float) * size_t(p_.n_cell)));
    if (w == nullptr) {
      return Status(StatusCode::kResourceExhausted, "no memory for the LSTM's peephole weights");
    }
    const int8_t* q = static_cast<const int8_t*>(t.data);
    for (int i = 0; i < p_.n_cell; ++i) w[i] = t.quant.scales[0] * static_cast<float>(q[i]);
    p_.gates[gates[k]].peephole_weights = w;
  }
  p_.hybrid = &matrices_;
  return Status::Ok();
}

void FloatLstmCell::run(const RunContext& ctx, const float* input, float* output,
                        void* scratch) const {
  // The states are operator inputs updated in place (writable arena tensors).
  float* output_state = static_cast<float*>(const_cast<void*>(ctx.input(operands_.output_state)));
  float* cell_state = static_cast<float*>(const_cast<void*>(ctx.input(operands_.cell_state)));
  lstm::run_sequence(shape_, input, output_state, cell_state, output,
                     [&](const float* x, float* h, float* c, float* y, int batch) {
                       ref::float_lstm_step(p_, x, h, c, scratch, y, batch * p_.n_cell);
                     });
}

namespace {

class FloatLstmKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const auto& options = std::get<SequenceLstmOptions>(ctx.op().options);
    LstmCellOptions cell_options;
    cell_options.cell_clip = options.cell_clip;
    cell_options.proj_clip = options.proj_clip;
    cell_options.asymmetric_quantize_inputs = options.asymmetric_quantize_inputs;
    LOWBIT_RETURN_IF_ERROR(
        cell_.prepare(ctx, kUnidirectionalLstmCell, lstm::sequence_shape(ctx), cell_options));
    ctx.request_scratch(cell_.scratch_bytes());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    cell_.run(ctx, ctx.input_as<float>(lstm::kInput), ctx.output_as<float>(0), ctx.scratch());
    return Status::Ok();
  }

  const char* name() const override {
    return cell_.hybrid() ? "hybrid_lstm__reference" : "f32_lstm__reference";
  }
  uint64_t macs() const override { return cell_.macs(); }

 private:
  FloatLstmCell cell_;
};

}  // namespace

std::unique_ptr<OpKernel> make_lstm_float_kernel() {
  return std::unique_ptr<OpKernel>(new FloatLstmKernel());
}

}  // namespace lowbit
