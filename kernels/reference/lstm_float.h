// TFLite's float32 LSTM step (lstm_eval's LstmStepFloat), the numerical
// definition of lowbit's float32 UNIDIRECTIONAL_SEQUENCE_LSTM and
// BIDIRECTIONAL_SEQUENCE_LSTM, and with int8 matrices its hybrid step
// (LstmStepHybrid: each batch row of the input, the output state and the
// hidden state quantized on the fly, ref::hybrid_quantize_row): CIFG, peephole,
// layer normalisation, projection and both clips, in the float order of
// LiteRT's x86 build, bit for bit: dot products in four SSE-lane sums for one
// sequence per step (in column order for several), and Eigen's sigmoid and
// tanh without FMA (the sigmoid's scalar form where LiteRT's scratch
// alignment gives it); docs/conformance.md.
#pragma once

#include <cstddef>
#include <cstdint>

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

// An int8 matrix of the hybrid LSTM: TFLite scales each product by the
// weights' per-tensor scale and subtracts no weight zero point.
struct HybridMatrix {
  const int8_t* weights = nullptr;
  float scale = 0.0f;
  const int32_t* row_sums = nullptr;  // read only for asymmetric inputs
};

// The hybrid LSTM's matrices, used in place of the float ones.
struct HybridLstmMatrices {
  bool asymmetric = false;  // TFLite's asymmetric_quantize_inputs
  HybridMatrix input[kLstmGates];      // weights null: CIFG's input gate
  HybridMatrix recurrent[kLstmGates];
  HybridMatrix projection;             // weights null: no projection
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
  // The hybrid LSTM: its int8 matrices replace the float input, recurrent
  // and projection weights; peephole weights are given dequantized (TFLite
  // recovers them as scale * w, the same floats every step).
  const HybridLstmMatrices* hybrid = nullptr;
  // LiteRT's gate scratch: slot s of a gate starts s * slot_stride floats
  // into a 64-byte aligned buffer (n_cell x the operator's whole batch;
  // 0: n_batch * n_cell), which decides where Eigen's vector sigmoid runs.
  int slot_stride = 0;
  int output_stride = 0;  // floats between the batch rows of `output` (0: n_output)
};

// Bytes of scratch one step needs (64-byte multiples inside).
size_t lstm_float_scratch_bytes(const FloatLstmParams& p);

// One time step for n_batch sequences, as ref::integer_lstm_step. The step's
// gates sit `slot_offset` floats into LiteRT's slots (a batch-major sequence
// b runs at b * n_cell). Output rows are p.output_stride apart.
void float_lstm_step(const FloatLstmParams& p, const float* input, float* output_state,
                     float* cell_state, void* scratch, float* output, int slot_offset = 0);

}  // namespace ref
}  // namespace lowbit
