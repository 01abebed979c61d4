#include "kernels/reference/lstm_float.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit {
namespace ref {
namespace {

// out[b][r] += sum_c m[r][c] * v[b][c]: each dot product summed from zero in
// column order, then added (TFLite's MatrixBatchVectorMultiplyAccumulate).
void accumulate_product(const float* matrix, int rows, int cols, const float* vectors,
                        int n_batch, float* out) {
  for (int b = 0; b < n_batch; ++b) {
    const float* v = vectors + b * cols;
    for (int r = 0; r < rows; ++r) {
      const float* m = matrix + r * cols;
      float dot = 0.0f;
      for (int c = 0; c < cols; ++c) dot += m[c] * v[c];
      out[b * rows + r] += dot;
    }
  }
}

// TFLite's MeanStddevNormalization of each row of n values.
void normalize_row(const float* in, int n, float* out) {
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += in[i];
  const float mean = sum / n;
  float squares = 0.0f;
  for (int i = 0; i < n; ++i) squares += (in[i] - mean) * (in[i] - mean);
  const float inverse_stddev = 1.0f / std::sqrt(squares / n + 1e-8f);
  for (int i = 0; i < n; ++i) out[i] = (in[i] - mean) * inverse_stddev;
}

// One gate: bias (or 0 before layer norm) + W_in x + W_rec h + peephole .* c,
// layer-normalised, then sigmoid (tanh for the cell gate).
void compute_gate(const FloatLstmParams& p, int gate_index, const float* input,
                  bool input_is_zero, const float* output_state, const float* cell_state,
                  float* gate) {
  const FloatLstmGate& g = p.gates[gate_index];
  const int n = p.n_batch * p.n_cell;
  for (int i = 0; i < n; ++i) gate[i] = g.layer_norm_weights != nullptr ? 0.0f : g.bias[i % p.n_cell];
  // TFLite skips the input product for an all-zero input.
  if (!input_is_zero) accumulate_product(g.input_weights, p.n_cell, p.n_input, input, p.n_batch, gate);
  accumulate_product(g.recurrent_weights, p.n_cell, p.n_output, output_state, p.n_batch, gate);
  if (g.peephole_weights != nullptr) {
    for (int i = 0; i < n; ++i) gate[i] += g.peephole_weights[i % p.n_cell] * cell_state[i];
  }
  if (g.layer_norm_weights != nullptr) {
    for (int b = 0; b < p.n_batch; ++b) {
      float* row = gate + b * p.n_cell;
      normalize_row(row, p.n_cell, row);
      for (int i = 0; i < p.n_cell; ++i) row[i] = row[i] * g.layer_norm_weights[i];
      for (int i = 0; i < p.n_cell; ++i) row[i] += g.bias[i];
    }
  }
  for (int i = 0; i < n; ++i) {
    gate[i] = gate_index == kLstmCellGate ? std::tanh(gate[i]) : 1.0f / (1.0f + std::exp(-gate[i]));
  }
}

}  // namespace

void float_lstm_step(const FloatLstmParams& p, const float* input, float* output_state,
                     float* cell_state, float* scratch, float* output) {
  const int n = p.n_batch * p.n_cell;
  float* gates[kLstmGates];
  for (int g = 0; g < kLstmGates; ++g) gates[g] = scratch + g * n;
  float* hidden = scratch + kLstmGates * n;
  const int inputs = p.n_batch * p.n_input;
  const bool input_is_zero =
      std::all_of(input, input + inputs, [](float v) { return v == 0.0f; });
  // TFLite's order: input, forget and cell gates, the cell, the output gate
  // (its peephole reads the new cell state).
  if (!p.use_cifg) {
    compute_gate(p, kLstmInputGate, input, input_is_zero, output_state, cell_state,
                 gates[kLstmInputGate]);
  }
  compute_gate(p, kLstmForgetGate, input, input_is_zero, output_state, cell_state,
               gates[kLstmForgetGate]);
  compute_gate(p, kLstmCellGate, input, input_is_zero, output_state, cell_state,
               gates[kLstmCellGate]);
  const float* forget = gates[kLstmForgetGate];
  for (int i = 0; i < n; ++i) {
    const float input_gate = p.use_cifg ? 1.0f - forget[i] : gates[kLstmInputGate][i];
    float c = forget[i] * cell_state[i];
    c += gates[kLstmCellGate][i] * input_gate;
    if (p.cell_clip > 0.0f) c = std::min(std::max(c, -p.cell_clip), p.cell_clip);
    cell_state[i] = c;
  }
  compute_gate(p, kLstmOutputGate, input, input_is_zero, output_state, cell_state,
               gates[kLstmOutputGate]);
  for (int i = 0; i < n; ++i) hidden[i] = gates[kLstmOutputGate][i] * std::tanh(cell_state[i]);
  const int outputs = p.n_batch * p.n_output;
  if (p.projection_weights == nullptr) {
    std::memcpy(output_state, hidden, sizeof(float) * static_cast<size_t>(outputs));
  } else {
    for (int i = 0; i < outputs; ++i) {
      output_state[i] = p.projection_bias != nullptr ? p.projection_bias[i % p.n_output] : 0.0f;
    }
    accumulate_product(p.projection_weights, p.n_output, p.n_cell, hidden, p.n_batch,
                       output_state);
    if (p.projection_clip > 0.0f) {
      for (int i = 0; i < outputs; ++i) {
        output_state[i] = std::min(std::max(output_state[i], -p.projection_clip), p.projection_clip);
      }
    }
  }
  std::memcpy(output, output_state, sizeof(float) * static_cast<size_t>(outputs));
}

}  // namespace ref
}  // namespace lowbit
