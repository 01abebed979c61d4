#include "kernels/reference/lstm_integer.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/reference/fixed_point_q15.h"
#include "kernels/reference/qs8_math.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {

template <typename T>
T saturate(int32_t v) {
  return static_cast<T>(std::clamp<int32_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

// out[b][r] = saturate(rescale(bias[r] + sum_c in[b][c] * w[r][c]) + zero_point + out[b][r]):
// TFLite's MatrixBatchVectorMultiplyAccumulate (int16 gates, int8 projection),
// the sums from p.matvec into `sums`.
template <typename Out>
void accumulate_product(const IntegerLstmParams& p, const int8_t* in, const int8_t* weights,
                        const int32_t* bias, int32_t multiplier, int shift, int32_t zero_point,
                        int n_in, int n_rows, int32_t* sums, Out* out) {
  for (int b = 0; b < p.n_batch; ++b) {
    p.matvec(static_cast<size_t>(n_rows), static_cast<size_t>(n_in), weights, in + b * n_in, sums);
    for (int r = 0; r < n_rows; ++r) {
      // TFLite sums in int32, wrapping where a malformed model overflows it;
      // unsigned arithmetic wraps the same way without UB.
      const int32_t acc =
          static_cast<int32_t>(static_cast<uint32_t>(bias[r]) + static_cast<uint32_t>(sums[r]));
      const int32_t scaled = multiply_by_quantized_multiplier(acc, multiplier, shift) + zero_point;
      out[b * n_rows + r] = saturate<Out>(scaled + out[b * n_rows + r]);
    }
  }
}

// TFLite's integer layer normalisation of one batch row of a gate (n values):
// mean and variance with 10 extra fraction bits, a fixed-point inverse
// standard deviation, then the int16 weights and the int32 bias, rescaled by
// the weights' scale into Q3.12. The variance's 2^20 / n is exact only for
// power-of-two n, in TFLite too.
void layer_norm_row(const LstmGateWeights& g, int n, int16_t* gate) {
  int64_t sum = 0, sum_of_squares = 0;
  for (int j = 0; j < n; ++j) {
    sum += gate[j];
    sum_of_squares += int32_t{gate[j]} * gate[j];
  }
  const int32_t mean = static_cast<int32_t>(sum * 1024 / n);
  constexpr int32_t kTwoToThe20 = 1 << 20;
  const int64_t variance = sum_of_squares * (kTwoToThe20 / n) - int64_t{mean} * mean;
  int32_t variance_units = static_cast<int32_t>(variance / kTwoToThe20);
  if (variance_units < 1) variance_units = g.variance_guard;
  const QuantizedMultiplier inverse_stddev = inverse_sqrt_multiplier(variance_units);
  for (int j = 0; j < n; ++j) {
    const int32_t centered = 1024 * int32_t{gate[j]} - mean;
    const int32_t normalized =
        multiply_by_quantized_multiplier(centered, inverse_stddev.multiplier, inverse_stddev.shift);
    // TFLite multiplies in int32 (wrapping where it overflows), then adds the
    // bias in int64 and rounds half away from zero to units of 2^-10.
    const int32_t weighted = static_cast<int32_t>(static_cast<uint32_t>(normalized) *
                                                  static_cast<uint32_t>(g.layer_norm_weights[j]));
    const int64_t biased = int64_t{weighted} + g.layer_norm_bias[j];
    const int32_t rounded = static_cast<int32_t>((biased > 0 ? biased + 512 : biased - 512) / 1024);
    gate[j] = saturate<int16_t>(
        multiply_by_quantized_multiplier(rounded, g.layer_norm_multiplier, g.layer_norm_shift + 12));
  }
}

// A gate's pre-activation in Q3.12, then its activation (Q0.15).
void compute_gate(const IntegerLstmParams& p, int gate_index, const int8_t* input,
                  const int8_t* output_state, const int16_t* cell_state, int32_t* sums,
                  int16_t* gate) {
  const LstmGateWeights& g = p.gates[gate_index];
  const int n = p.n_batch * p.n_cell;
  std::fill(gate, gate + n, int16_t{0});
  accumulate_product(p, input, g.input_weights, g.input_bias, g.input_multiplier, g.input_shift, 0,
                     p.n_input, p.n_cell, sums, gate);
  accumulate_product(p, output_state, g.recurrent_weights, g.recurrent_bias,
                     g.recurrent_multiplier, g.recurrent_shift, 0, p.n_output, p.n_cell, sums,
                     gate);
  if (g.peephole_weights != nullptr) {
    // TFLite walks the peephole product as [n_batch, n_output] (not n_cell):
    // the same with no projection, only the first n_batch * n_output values
    // of gate and cell state with one (validation keeps n_output <= n_cell).
    const int length = p.n_output;
    for (int i = 0; i < p.n_batch * length; ++i) {
      const int32_t product = int32_t{g.peephole_weights[i % length]} * cell_state[i];
      gate[i] = saturate<int16_t>(
          multiply_by_quantized_multiplier(product, g.peephole_multiplier, g.peephole_shift) + gate[i]);
    }
  }
  if (g.layer_norm_weights != nullptr) {
    for (int b = 0; b < p.n_batch; ++b) layer_norm_row(g, p.n_cell, gate + b * p.n_cell);
  }
  const bool is_tanh = gate_index == kLstmCellGate;
  const int16_t* table = is_tanh ? p.gate_tanh_table : p.gate_logistic_table;
  if (table != nullptr) {
    for (int i = 0; i < n; ++i) gate[i] = table[static_cast<uint16_t>(gate[i])];
    return;
  }
  for (int i = 0; i < n; ++i) {
    gate[i] = is_tanh ? q15::tanh(gate[i], kLstmGateIntegerBits)
                      : q15::logistic(gate[i], kLstmGateIntegerBits);
  }
}

// a * b / 2^shift, rounded half away from zero; the int16 store wraps as in
// TFLite's CwiseMul (the operands keep the true result in range).
int16_t product_shifted(int16_t a, int16_t b, int shift) {
  return static_cast<int16_t>(rounding_divide_by_pot(int32_t{a} * b, shift));
}

// c = f * c + i * g in the cell state's scale (f, i, g in Q0.15).
void update_cell(const IntegerLstmParams& p, const int16_t* forget, const int16_t* input_gate,
                 const int16_t* cell_gate, int16_t* cell_state) {
  const int input_times_cell_gate_shift = 30 + p.cell_scale_log2;
  for (int i = 0; i < p.n_batch * p.n_cell; ++i) {
    const int16_t kept = product_shifted(forget[i], cell_state[i], 15);
    // CIFG: the input gate is 1 - forget gate (32767 - f in Q0.15).
    const int16_t in = p.use_cifg ? static_cast<int16_t>(32767 - forget[i]) : input_gate[i];
    const int16_t added = product_shifted(in, cell_gate[i], input_times_cell_gate_shift);
    int16_t c = saturate<int16_t>(int32_t{kept} + added);
    if (p.cell_clip > 0) c = std::clamp<int16_t>(c, static_cast<int16_t>(-p.cell_clip), p.cell_clip);
    cell_state[i] = c;
  }
}

// h = o * tanh(c) rescaled from Q0.30 into the hidden state's int8 scale,
// then projected into the output state when there is a projection.
void update_output_state(const IntegerLstmParams& p, const int16_t* output_gate,
                         const int16_t* cell_state, int16_t* tanh_cell, int8_t* hidden,
                         int32_t* sums, int8_t* output_state) {
  const int n = p.n_batch * p.n_cell;
  const int cell_integer_bits = 15 + p.cell_scale_log2;
  for (int i = 0; i < n; ++i) {
    tanh_cell[i] = p.cell_tanh_table != nullptr
                       ? p.cell_tanh_table[static_cast<uint16_t>(cell_state[i])]
                       : q15::tanh(cell_state[i], cell_integer_bits);
  }
  const bool projection = p.projection_weights != nullptr;
  int8_t* h = projection ? hidden : output_state;
  // LiteRT subtracts the hidden zero point before a projection (whose folded
  // bias adds it back) and adds it when the hidden state is the output; the
  // two differ only where the int8 hidden state saturates.
  const int32_t zero_point = projection ? -p.hidden_zero_point : p.hidden_zero_point;
  for (int i = 0; i < n; ++i) {
    const int32_t product = int32_t{output_gate[i]} * tanh_cell[i];
    h[i] = saturate<int8_t>(
        multiply_by_quantized_multiplier(product, p.hidden_multiplier, p.hidden_shift) + zero_point);
  }
  if (p.projection_weights == nullptr) return;
  const int outputs = p.n_batch * p.n_output;
  std::fill(output_state, output_state + outputs, int8_t{0});
  accumulate_product(p, hidden, p.projection_weights, p.projection_bias, p.projection_multiplier,
                     p.projection_shift, p.output_state_zero_point, p.n_cell, p.n_output, sums,
                     output_state);
  if (p.projection_clip > 0) {
    for (int i = 0; i < outputs; ++i) {
      output_state[i] = std::clamp<int8_t>(output_state[i], static_cast<int8_t>(-p.projection_clip),
                                           p.projection_clip);
    }
  }
}

}  // namespace

void integer_lstm_step(const IntegerLstmParams& p, const int8_t* input, int8_t* output_state,
                       int16_t* cell_state, int16_t* scratch, int8_t* output) {
  const int n = p.n_batch * p.n_cell;
  int32_t* sums = reinterpret_cast<int32_t*>(scratch);
  int16_t* gate_scratch = scratch + lstm_step_sums_elements(p);
  int16_t* gates[kLstmGates];
  for (int g = 0; g < kLstmGates; ++g) gates[g] = gate_scratch + g * n;
  int16_t* tanh_cell = gate_scratch + kLstmGates * n;
  int8_t* hidden = reinterpret_cast<int8_t*>(gate_scratch + (kLstmGates + 1) * n);
  // Every gate reads the previous output state; the output gate's peephole
  // reads the updated cell state (TFLite's order).
  for (const int g : {kLstmForgetGate, kLstmCellGate, kLstmInputGate}) {
    if (g == kLstmInputGate && p.use_cifg) continue;
    compute_gate(p, g, input, output_state, cell_state, sums, gates[g]);
  }
  update_cell(p, gates[kLstmForgetGate], gates[kLstmInputGate], gates[kLstmCellGate], cell_state);
  compute_gate(p, kLstmOutputGate, input, output_state, cell_state, sums, gates[kLstmOutputGate]);
  update_output_state(p, gates[kLstmOutputGate], cell_state, tanh_cell, hidden, sums,
                      output_state);
  std::memcpy(output, output_state, static_cast<size_t>(p.n_batch * p.n_output));
}

}  // namespace ref
}  // namespace lowbit
