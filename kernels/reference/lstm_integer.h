// TFLite's fully-integer LSTM step ("8x8_16": int8 input, weights and hidden
// state, int16 gates and cell state), the numerical definition of lowbit's
// int8 UNIDIRECTIONAL_SEQUENCE_LSTM, with CIFG, peephole connections,
// projection and TFLite's integer layer normalisation.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/reference/qs8_matvec.h"

namespace lowbit {
namespace ref {

enum LstmGate { kLstmInputGate = 0, kLstmForgetGate = 1, kLstmCellGate = 2, kLstmOutputGate = 3 };
constexpr int kLstmGates = 4;
constexpr int kLstmGateIntegerBits = 3;  // gate pre-activations are Q3.12

// One gate's products, each rescaled into the gate's Q3.12 domain.
struct LstmGateWeights {
  const int8_t* input_weights = nullptr;      // [n_cell, n_input]
  const int32_t* input_bias = nullptr;        // [n_cell]: bias - input_zp * row sums
  int32_t input_multiplier = 0;
  int input_shift = 0;
  const int8_t* recurrent_weights = nullptr;  // [n_cell, n_output]
  const int32_t* recurrent_bias = nullptr;    // [n_cell]: -output_state_zp * row sums
  int32_t recurrent_multiplier = 0;
  int recurrent_shift = 0;
  const int16_t* peephole_weights = nullptr;  // [n_cell] times the cell state; null: none
  int32_t peephole_multiplier = 0;
  int peephole_shift = 0;
  // Layer normalisation of the gate's pre-activation (null weights: none);
  // the gate bias is then added here instead of being folded into input_bias.
  const int16_t* layer_norm_weights = nullptr;  // [n_cell]
  const int32_t* layer_norm_bias = nullptr;     // [n_cell]
  int32_t layer_norm_multiplier = 0;
  int layer_norm_shift = 0;
  int32_t variance_guard = 1;  // the variance used when the computed one is < 1
};

struct IntegerLstmParams {
  int n_batch = 1;
  int n_input = 0;
  int n_cell = 0;
  int n_output = 0;  // n_cell without projection
  bool use_cifg = false;  // no input gate: it is 1 - forget gate
  LstmGateWeights gates[kLstmGates];
  int cell_scale_log2 = -12;  // the cell state's scale is 2^cell_scale_log2
  int16_t cell_clip = 0;      // > 0: cell state clipped to [-cell_clip, cell_clip]
  int32_t hidden_multiplier = 0;  // o * tanh(c) (Q0.30) to the hidden state's int8 scale
  int hidden_shift = 0;
  int32_t hidden_zero_point = 0;
  // Projection of the hidden state into the output state; null weights: none.
  const int8_t* projection_weights = nullptr;  // [n_output, n_cell]
  const int32_t* projection_bias = nullptr;    // [n_output]
  int32_t projection_multiplier = 0;
  int projection_shift = 0;
  int32_t output_state_zero_point = 0;
  int8_t projection_clip = 0;  // > 0: output state clipped to [-clip, clip]
  // The int32 sums of every matrix product (a kernels/qs8_matvec.h variant).
  Qs8MatvecFn matvec = qs8_matvec__reference;
  // Tabulated activations (q15_activation_table.h) or null to compute them:
  // the gates' sigmoid and tanh in Q3.12 and the cell state's tanh.
  const int16_t* gate_logistic_table = nullptr;
  const int16_t* gate_tanh_table = nullptr;
  const int16_t* cell_tanh_table = nullptr;
};

// int16 elements of scratch one step needs: the int32 sums of one product
// first (kept 4-byte aligned), then the gates, tanh(c) and the hidden state.
inline int lstm_step_sums_elements(const IntegerLstmParams& p) {
  return 2 * std::max(p.n_cell, p.n_output);
}
inline int lstm_step_scratch_elements(const IntegerLstmParams& p) {
  return lstm_step_sums_elements(p) + (kLstmGates + 2) * p.n_batch * p.n_cell;
}

// One time step for n_batch sequences: reads input [n_batch, n_input],
// updates output_state [n_batch, n_output] and cell_state [n_batch, n_cell]
// in place and copies the new output state to output.
void integer_lstm_step(const IntegerLstmParams& p, const int8_t* input, int8_t* output_state,
                       int16_t* cell_state, int16_t* scratch, int8_t* output);

}  // namespace ref
}  // namespace lowbit
