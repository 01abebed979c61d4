#include "kernels/reference/lstm_float.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit {
namespace ref {
namespace {

// out[b][r] += sum_c m[r][c] * v[b][c] in LiteRT's x86 order. One vector:
// four running sums over columns c % 4 (SSE lanes), joined as
// (s0 + s2) + (s1 + s3), the columns past the last group of four added one by
// one. Several vectors: each dot product summed in column order. Either way
// the dot product is then added to out.
void accumulate_product(const float* matrix, int rows, int cols, const float* vectors,
                        int n_batch, float* out) {
  const int body = n_batch == 1 ? cols / 4 * 4 : 0;
  for (int b = 0; b < n_batch; ++b) {
    const float* v = vectors + b * cols;
    for (int r = 0; r < rows; ++r) {
      const float* m = matrix + r * cols;
      float lanes[4] = {0.0f, 0.0f, 0.0f, 0.0f};
      for (int c = 0; c < body; c += 4) {
        for (int k = 0; k < 4; ++k) lanes[k] += m[c + k] * v[c + k];
      }
      float dot = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]);
      for (int c = body; c < cols; ++c) dot += m[c] * v[c];
      out[b * rows + r] += dot;
    }
  }
}

// Eigen's float tanh (ptanh_float without FMA): a [9/8] rational function of
// x clamped to +-7.90738964, the same for vectors and scalars.
float eigen_tanh(float x) {
  constexpr float kClamp = 7.90738964080810547f;
  x = std::max(std::min(x, kClamp), -kClamp);
  const float x2 = x * x;
  const float x3 = x2 * x;
  float p = 1.394553628e-8f;
  for (float a : {2.102733560e-5f, 3.520756727e-3f, 1.340216100e-1f}) p = p * x2 + a;
  float q = 8.015776984e-7f;
  for (float b : {3.326951409e-4f, 2.597254514e-2f, 4.673548340e-1f, 1.0f}) q = q * x2 + b;
  return (x3 * p + x) / q;
}

// Eigen's vectorised float logistic without FMA: exp(x / 2) by Cephes' range
// reduction and a degree-5 polynomial, squared, then e / (1 + e).
float eigen_logistic_packet(float x_in) {
  // NaN stays NaN (and must not reach the exponent's float-to-int conversion).
  if (std::isnan(x_in)) return x_in;
  float x = std::min(x_in, 16.6355324f) * 0.5f;
  const float m = std::floor(x * 1.44269504088896341f + 0.5f);
  float r = m * -0.693359375f + x;
  r = m * 2.12194440e-4f + r;
  const float r2 = r * r;
  const float even = r2 * 4.1898667812347412109375e-2f + 0.49999141693115234375f;
  const float odd = r2 * 8.33471305668354034423828125e-3f + 0.16666877269744873046875f;
  float p = r * odd + even;
  p = r2 * p + (r + 1.0f);
  // p * 2^m with the biased exponent clamped to [0, 255], as pldexp_fast.
  const int32_t biased = static_cast<int32_t>(std::min(std::max(m + 127.0f, 0.0f), 255.0f));
  float two_to_m;
  const uint32_t bits = static_cast<uint32_t>(biased) << 23;
  std::memcpy(&two_to_m, &bits, sizeof(two_to_m));
  float e = p * two_to_m;
  e = e * e;
  return x_in < -104.0f ? 0.0f : e / (1.0f + e);
}

// Eigen's scalar float logistic: exp(min(x, 16.6355324)) / (1 + exp(...)).
float eigen_logistic_scalar(float x) {
  const float e = std::exp(std::min(x, 16.6355324f));
  return e / (1.0f + e);
}

// LiteRT applies the sigmoid with Eigen over a gate's n values at `offset`
// floats into its 64-byte aligned scratch buffer: the values before the first
// 16-byte boundary and those after the last whole group of four take the
// scalar form, the rest the vector one.
void eigen_logistic(float* values, int n, int offset) {
  const int head = std::min((4 - offset % 4) % 4, n);
  const int end = head + (n - head) / 4 * 4;
  for (int i = 0; i < n; ++i) {
    values[i] = i < head || i >= end ? eigen_logistic_scalar(values[i])
                                     : eigen_logistic_packet(values[i]);
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
  if (gate_index == kLstmCellGate) {
    for (int i = 0; i < n; ++i) gate[i] = eigen_tanh(gate[i]);
    return;
  }
  // LiteRT's scratch slots: input, cell, forget, output gate (CIFG: cell,
  // forget, output), each n_batch * n_cell floats.
  const int slots[kLstmGates] = {0, p.use_cifg ? 1 : 2, p.use_cifg ? 0 : 1, p.use_cifg ? 2 : 3};
  eigen_logistic(gate, n, slots[gate_index] * n);
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
  for (int i = 0; i < n; ++i) hidden[i] = gates[kLstmOutputGate][i] * eigen_tanh(cell_state[i]);
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
