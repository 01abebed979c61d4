#include "ops/lstm_integer_kernel.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/qs8_matvec.h"
#include "kernels/reference/lstm_integer.h"
#include "kernels/reference/q15_activation_table.h"
#include "kernels/reference/requantize.h"
#include "ops/lstm_operands.h"
#include "ops/lstm_sequence.h"

namespace lowbit {

bool lstm_cell_scale_log2(float scale, int* log2) {
  const float exact = std::log(scale) * (1.0f / std::log(2.0f));
  const float rounded = std::round(exact);
  *log2 = static_cast<int>(rounded);
  return std::abs(exact - rounded) < 1e-3f && *log2 <= -9 && *log2 >= -15;
}

namespace {

// The gates' matrix products are rescaled into Q3.12 (TFLite's fixed
// intermediate scale when there is no layer normalisation).
constexpr float kGateScale = 1.0f / 4096.0f;

// weight_scale * operand_scale / gate_scale in float, as TFLite forms it.
ref::QuantizedMultiplier gate_multiplier(float weight_scale, float operand_scale,
                                         float gate_scale) {
  const float effective = weight_scale * operand_scale / gate_scale;
  return ref::quantize_multiplier(effective);
}

// The scale of a gate's pre-activation: the converter's intermediate with
// layer normalisation, else Q3.12.
float gate_scale(const SequenceLstmOptions& o, bool layer_norm, int gate) {
  if (!layer_norm) return kGateScale;
  const float scales[ref::kLstmGates] = {o.input_gate_scale, o.forget_gate_scale,
                                         o.cell_gate_scale, o.output_gate_scale};
  return scales[gate];
}

// bias[r] + zero_point_factor * sum_c weights[r][c] (TFLite's
// PrecomputeZeroPointTimesWeightWithBias).
void fold_zero_point(const int8_t* weights, const int32_t* bias, int32_t zero_point_factor,
                     int rows, int cols, int32_t* out) {
  for (int r = 0; r < rows; ++r) {
    int32_t sum = 0;
    for (int c = 0; c < cols; ++c) sum += weights[r * cols + c];
    // TFLite adds in int32, which wraps on a (malformed) overflow; in int64
    // and wrapped explicitly here, so the result is the same without UB.
    const int64_t total = int64_t{bias != nullptr ? bias[r] : 0} + int64_t{sum} * zero_point_factor;
    out[r] = static_cast<int32_t>(static_cast<uint32_t>(total));
  }
}

class IntegerLstmKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const OperatorDesc& op = ctx.op();
    const auto& options = std::get<SequenceLstmOptions>(op.options);
    const TensorDesc& cell_state = ctx.input(lstm::kCellState);
    shape_ = lstm::sequence_shape(ctx);

    p_.n_input = shape_.n_input;
    p_.n_cell = shape_.n_cell;
    const bool projection = ctx.has_input(lstm::kProjectionWeights);
    p_.n_output = shape_.n_output;
    p_.use_cifg = !ctx.has_input(lstm::kInputWeights);
    const int n = p_.n_cell;
    // Folded biases: two per gate, then the projection's.
    int32_t* biases = static_cast<int32_t*>(ctx.allocate_persistent(
        sizeof(int32_t) * (2 * ref::kLstmGates * static_cast<size_t>(n) + p_.n_output)));
    if (biases == nullptr) return Status(StatusCode::kResourceExhausted, "no memory for LSTM biases");
    layer_norm_ = ctx.has_input(lstm::kLayerNormWeights + ref::kLstmForgetGate);
    prepare_gates(ctx, options, biases);
    lstm_cell_scale_log2(cell_state.quant.scales[0], &p_.cell_scale_log2);
    prepare_peephole(ctx, options);
    if (layer_norm_) prepare_layer_norm(ctx);
    // TFLite truncates the clip to the cell state's int16 grid.
    p_.cell_clip = options.cell_clip > 0
                       ? static_cast<int16_t>(std::fmin(
                             std::fmax(options.cell_clip / cell_state.quant.scales[0], -32768.0f),
                             32767.0f))
                       : 0;
    // o * tanh(c) is a product of two Q0.15 values: scale 2^-30.
    const float hidden_scale = static_cast<float>(std::ldexp(1.0, -15) / options.hidden_scale *
                                                  std::ldexp(1.0, -15));
    const ref::QuantizedMultiplier hidden = ref::quantize_multiplier(hidden_scale);
    p_.hidden_multiplier = hidden.multiplier;
    p_.hidden_shift = hidden.shift;
    p_.hidden_zero_point = options.hidden_zero_point;
    if (projection) {
      prepare_projection(ctx, options, biases + 2 * ref::kLstmGates * n);
    }

    p_.n_batch = shape_.time_major ? shape_.batches : 1;
    const auto& matvec = ctx.selector().select(qs8_matvec_variants());
    p_.matvec = matvec.fn;
    name_ = matvec.name;
    // The reference kernel set computes every activation; the others look
    // them up in tables of the same function (shared, built once).
    if (ctx.selector().kernel_set() != "reference") {
      using ref::Q15Activation;
      p_.gate_logistic_table =
          ref::q15_activation_table(Q15Activation::kLogistic, ref::kLstmGateIntegerBits);
      p_.gate_tanh_table = ref::q15_activation_table(Q15Activation::kTanh, ref::kLstmGateIntegerBits);
      p_.cell_tanh_table =
          ref::q15_activation_table(Q15Activation::kTanh, 15 + p_.cell_scale_log2);
    }
    ctx.request_scratch(sizeof(int16_t) * static_cast<size_t>(ref::lstm_step_scratch_elements(p_)));
    macs_ = lstm::sequence_macs(shape_, p_.use_cifg, projection);
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const int8_t* input = ctx.input_as<int8_t>(lstm::kInput);
    // State tensors are operator inputs that the operator updates in place;
    // the interpreter keeps them in the writable arena (never constants).
    int8_t* output_state = static_cast<int8_t*>(const_cast<void*>(ctx.input(lstm::kOutputState)));
    int16_t* cell_state = static_cast<int16_t*>(const_cast<void*>(ctx.input(lstm::kCellState)));
    int8_t* output = ctx.output_as<int8_t>(0);
    int16_t* scratch = static_cast<int16_t*>(ctx.scratch());
    lstm::run_sequence(shape_, input, output_state, cell_state, output,
                       [&](const int8_t* x, int8_t* h, int16_t* c, int8_t* y) {
                         ref::integer_lstm_step(p_, x, h, c, scratch, y);
                       });
    return Status::Ok();
  }

  // The products' kernel: the rest of the step is the reference's.
  const char* name() const override { return name_; }

  // Each gate's weights, zero-point-folded biases (two per gate, in `biases`)
  // and the multipliers of its two products.
  void prepare_gates(const PrepareContext& ctx, const SequenceLstmOptions& options,
                     int32_t* biases) {
    const TensorDesc& input = ctx.input(lstm::kInput);
    const TensorDesc& output_state = ctx.input(lstm::kOutputState);
    const int n = p_.n_cell;
    for (int g = 0; g < ref::kLstmGates; ++g) {
      if (!ctx.has_input(lstm::kInputWeights + g)) continue;  // CIFG: no input gate
      const TensorDesc& w_in = ctx.input(lstm::kInputWeights + g);
      const TensorDesc& w_rec = ctx.input(lstm::kRecurrentWeights + g);
      ref::LstmGateWeights& gw = p_.gates[g];
      gw.input_weights = static_cast<const int8_t*>(w_in.data);
      gw.recurrent_weights = static_cast<const int8_t*>(w_rec.data);
      int32_t* input_bias = biases + (2 * g) * n;
      int32_t* recurrent_bias = biases + (2 * g + 1) * n;
      // With layer normalisation the gate bias is added after normalising.
      const int32_t* gate_bias = static_cast<const int32_t*>(ctx.input(lstm::kGateBias + g).data);
      fold_zero_point(gw.input_weights, layer_norm_ ? nullptr : gate_bias,
                      -input.quant.zero_points[0], n, p_.n_input, input_bias);
      fold_zero_point(gw.recurrent_weights, nullptr, -output_state.quant.zero_points[0], n,
                      p_.n_output, recurrent_bias);
      gw.input_bias = input_bias;
      gw.recurrent_bias = recurrent_bias;
      const float scale = gate_scale(options, layer_norm_, g);
      const ref::QuantizedMultiplier in_m =
          gate_multiplier(w_in.quant.scales[0], input.quant.scales[0], scale);
      const ref::QuantizedMultiplier rec_m =
          gate_multiplier(w_rec.quant.scales[0], output_state.quant.scales[0], scale);
      gw.input_multiplier = in_m.multiplier;
      gw.input_shift = in_m.shift;
      gw.recurrent_multiplier = rec_m.multiplier;
      gw.recurrent_shift = rec_m.shift;
    }
  }

  // Peephole weights scale the cell state (2^k) into the gate's scale; TFLite
  // forms 2^k * w_scale / gate_scale in double and keeps it as a float.
  void prepare_peephole(const PrepareContext& ctx, const SequenceLstmOptions& options) {
    const int gates_with_peephole[] = {ref::kLstmInputGate, ref::kLstmForgetGate, ref::kLstmOutputGate};
    const size_t inputs[] = {lstm::kPeepholeWeights, lstm::kPeepholeWeights + 1,
                             lstm::kPeepholeWeights + 2};
    for (int k = 0; k < 3; ++k) {
      if (!ctx.has_input(inputs[k])) continue;
      const TensorDesc& w = ctx.input(inputs[k]);
      ref::LstmGateWeights& gw = p_.gates[gates_with_peephole[k]];
      gw.peephole_weights = static_cast<const int16_t*>(w.data);
      const float effective =
          static_cast<float>(std::ldexp(1.0, p_.cell_scale_log2) * w.quant.scales[0] /
                             gate_scale(options, layer_norm_, gates_with_peephole[k]));
      const ref::QuantizedMultiplier m = ref::quantize_multiplier(effective);
      gw.peephole_multiplier = m.multiplier;
      gw.peephole_shift = m.shift;
    }
  }

  // Each gate's int16 layer-norm weights, its (unfolded) bias, the weights'
  // scale as a multiplier and TFLite's variance guard max(1, 10000 * scale).
  void prepare_layer_norm(const PrepareContext& ctx) {
    for (int g = 0; g < ref::kLstmGates; ++g) {
      if (!ctx.has_input(lstm::kLayerNormWeights + g)) continue;  // CIFG: no input gate
      const TensorDesc& w = ctx.input(lstm::kLayerNormWeights + g);
      ref::LstmGateWeights& gw = p_.gates[g];
      gw.layer_norm_weights = static_cast<const int16_t*>(w.data);
      gw.layer_norm_bias = static_cast<const int32_t*>(ctx.input(lstm::kGateBias + g).data);
      const float scale = w.quant.scales[0];
      const ref::QuantizedMultiplier m = ref::quantize_multiplier(scale);
      gw.layer_norm_multiplier = m.multiplier;
      gw.layer_norm_shift = m.shift;
      gw.variance_guard = std::max<int32_t>(1, static_cast<int32_t>(10000 * scale));
    }
  }

  // The projection maps the int8 hidden state (hidden scale, zero point
  // subtracted: see ref::update_output_state) into the output state's scale
  // and zero point; its bias folds the zero point back in.
  void prepare_projection(const PrepareContext& ctx, const SequenceLstmOptions& options,
                          int32_t* folded_bias) {
    const TensorDesc& w = ctx.input(lstm::kProjectionWeights);
    const TensorDesc& output_state = ctx.input(lstm::kOutputState);
    p_.projection_weights = static_cast<const int8_t*>(w.data);
    const int32_t* bias = ctx.has_input(lstm::kProjectionBias)
                              ? static_cast<const int32_t*>(ctx.input(lstm::kProjectionBias).data)
                              : nullptr;
    fold_zero_point(p_.projection_weights, bias, options.hidden_zero_point, p_.n_output,
                    p_.n_cell, folded_bias);
    p_.projection_bias = folded_bias;
    const float effective = w.quant.scales[0] * options.hidden_scale / output_state.quant.scales[0];
    const ref::QuantizedMultiplier m = ref::quantize_multiplier(effective);
    p_.projection_multiplier = m.multiplier;
    p_.projection_shift = m.shift;
    p_.output_state_zero_point = output_state.quant.zero_points[0];
    // TFLite truncates the clip to the output tensor's int8 grid.
    const float output_scale = ctx.output(0).quant.scales[0];
    p_.projection_clip = options.proj_clip > 0
                             ? static_cast<int8_t>(std::fmin(
                                   std::fmax(options.proj_clip / output_scale, -128.0f), 127.0f))
                             : 0;
  }
  uint64_t macs() const override { return macs_; }

 private:
  ref::IntegerLstmParams p_;
  bool layer_norm_ = false;
  const char* name_ = "qs8_matvec__reference";
  lstm::SequenceShape shape_;
  uint64_t macs_ = 0;
};

}  // namespace

std::unique_ptr<OpKernel> make_lstm_integer_kernel() {
  return std::unique_ptr<OpKernel>(new IntegerLstmKernel());
}

}  // namespace lowbit
