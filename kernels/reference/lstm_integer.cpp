#include "kernels/reference/lstm_integer.h"

#include <algorithm>
#include <cstring>

#include "kernels/reference/fixed_point_q15.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {

int16_t saturate_int16(int32_t v) { return static_cast<int16_t>(std::clamp(v, -32768, 32767)); }

// gate[b][r] += rescale(bias[r] + sum_c in[b][c] * w[r][c]), saturating at
// each step: TFLite's MatrixBatchVectorMultiplyAccumulate with int16 output.
void accumulate_product(const int8_t* in, const int8_t* weights, const int32_t* bias,
                        int32_t multiplier, int shift, int n_batch, int n_in, int n_cell,
                        int16_t* gate) {
  for (int b = 0; b < n_batch; ++b) {
    const int8_t* x = in + b * n_in;
    for (int r = 0; r < n_cell; ++r) {
      const int8_t* w = weights + r * n_in;
      int32_t acc = bias[r];
      for (int c = 0; c < n_in; ++c) acc += int32_t{x[c]} * w[c];
      const int32_t scaled = multiply_by_quantized_multiplier(acc, multiplier, shift);
      gate[b * n_cell + r] = saturate_int16(scaled + gate[b * n_cell + r]);
    }
  }
}

// A gate's pre-activation in Q3.12, then its activation (Q0.15).
void compute_gate(const IntegerLstmParams& p, int gate_index, const int8_t* input,
                  const int8_t* output_state, int16_t* gate) {
  const LstmGateWeights& g = p.gates[gate_index];
  const int n = p.n_batch * p.n_cell;
  std::fill(gate, gate + n, int16_t{0});
  accumulate_product(input, g.input_weights, g.input_bias, g.input_multiplier, g.input_shift,
                     p.n_batch, p.n_input, p.n_cell, gate);
  accumulate_product(output_state, g.recurrent_weights, g.recurrent_bias, g.recurrent_multiplier,
                     g.recurrent_shift, p.n_batch, p.n_cell, p.n_cell, gate);
  constexpr int kGateIntegerBits = 3;
  for (int i = 0; i < n; ++i) {
    gate[i] = gate_index == kLstmCellGate ? q15::tanh(gate[i], kGateIntegerBits)
                                          : q15::logistic(gate[i], kGateIntegerBits);
  }
}

// a * b / 2^shift, rounded half away from zero; the int16 store wraps as in
// TFLite's CwiseMul (the operands keep the true result in range).
int16_t product_shifted(int16_t a, int16_t b, int shift) {
  return static_cast<int16_t>(rounding_divide_by_pot(int32_t{a} * b, shift));
}

}  // namespace

void integer_lstm_step(const IntegerLstmParams& p, const int8_t* input, int8_t* output_state,
                       int16_t* cell_state, int16_t* scratch, int8_t* output) {
  const int n = p.n_batch * p.n_cell;
  int16_t* gates[kLstmGates];
  for (int g = 0; g < kLstmGates; ++g) gates[g] = scratch + g * n;
  int16_t* tanh_cell = scratch + kLstmGates * n;
  for (int g = 0; g < kLstmGates; ++g) compute_gate(p, g, input, output_state, gates[g]);

  // c = f * c + i * g, in the cell state's scale; f and i are Q0.15, g is Q0.15.
  const int input_times_cell_gate_shift = 30 + p.cell_scale_log2;
  for (int i = 0; i < n; ++i) {
    const int16_t kept = product_shifted(gates[kLstmForgetGate][i], cell_state[i], 15);
    const int16_t added =
        product_shifted(gates[kLstmInputGate][i], gates[kLstmCellGate][i], input_times_cell_gate_shift);
    int16_t c = saturate_int16(int32_t{kept} + added);
    if (p.cell_clip > 0) c = std::clamp<int16_t>(c, static_cast<int16_t>(-p.cell_clip), p.cell_clip);
    cell_state[i] = c;
  }

  // h = o * tanh(c), rescaled from Q0.30 into the hidden state's int8 scale.
  const int cell_integer_bits = 15 + p.cell_scale_log2;
  for (int i = 0; i < n; ++i) tanh_cell[i] = q15::tanh(cell_state[i], cell_integer_bits);
  for (int i = 0; i < n; ++i) {
    const int32_t product = int32_t{gates[kLstmOutputGate][i]} * tanh_cell[i];
    const int32_t h = multiply_by_quantized_multiplier(product, p.hidden_multiplier, p.hidden_shift) +
                      p.hidden_zero_point;
    output_state[i] = static_cast<int8_t>(std::clamp(h, -128, 127));
  }
  std::memcpy(output, output_state, static_cast<size_t>(n));
}

}  // namespace ref
}  // namespace lowbit
