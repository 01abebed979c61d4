// TFLite's float32 LSTM step (lstm_eval's LstmStepFloat), the numerical
// definition of lowbit's float32 UNIDIRECTIONAL_SEQUENCE_LSTM: CIFG, peephole,
// layer normalisation, projection and both clips, in the float order of
// LiteRT's x86 build, bit for bit: dot products in four SSE-lane sums for one
// sequence per step (in column order for several), and Eigen's sigmoid and
// tanh without FMA (the sigmoid's scalar form where LiteRT's scratch
// alignment gives it); docs/conformance.md.
#pragma once

#include "kernels/reference/lstm_integer.h"

namespace lowbit {
namespace ref {

struct FloatLstmGate {
  const float* input_weights = nullptr;      // [n_cell, n_input]
  const float* recurrent_weights = nullptr;  // [n_cell, n_output]
  const float* peephole_weights = nullptr;   // [n_cell]; null: none
  const float* layer_norm_weights = nullptr;  // [n_cell]; null: none
  const float* bias = nullptr;                // [n_cell]
};

struct FloatLstmParams {
  int n_batch = 1;
  int n_input = 0;
  int n_cell = 0;
  int n_output = 0;
  bool use_cifg = false;
  FloatLstmGate gates[kLstmGates];  // ref::LstmGate order
  float cell_clip = 0.0f;           // > 0: cell state clipped to +-cell_clip
  const float* projection_weights = nullptr;  // [n_output, n_cell]; null: none
  const float* projection_bias = nullptr;     // [n_output]; null: none
  float projection_clip = 0.0f;
};

// float elements of scratch one step needs.
inline int lstm_float_scratch_elements(const FloatLstmParams& p) {
  return (kLstmGates + 1) * p.n_batch * p.n_cell;
}

// One time step for n_batch sequences, as ref::integer_lstm_step.
void float_lstm_step(const FloatLstmParams& p, const float* input, float* output_state,
                     float* cell_state, float* scratch, float* output);

}  // namespace ref
}  // namespace lowbit
