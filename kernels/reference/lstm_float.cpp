#include "kernels/reference/lstm_float.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/reference/hybrid.h"

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

// Rows of a step's activations as the hybrid LSTM quantizes them: int8
// values, each row's scale and (asymmetric) offset. all_zero: TFLite skips
// the products of an all-zero vector (and does not quantize it).
struct QuantizedRows {
  int8_t* values = nullptr;
  float* scales = nullptr;
  int32_t* offsets = nullptr;
  int cols = 0;
  bool all_zero = true;
};

void quantize_rows(const float* v, int n_batch, bool asymmetric, QuantizedRows* rows) {
  rows->all_zero = is_zero_vector(v, int64_t{n_batch} * rows->cols);
  if (rows->all_zero) return;
  for (int b = 0; b < n_batch; ++b) {
    hybrid_quantize_row(v + int64_t{b} * rows->cols, rows->cols, asymmetric,
                        rows->values + int64_t{b} * rows->cols, &rows->scales[b], &rows->offsets[b]);
  }
}

// out[b] += W q(v[b]) * (row b's scale * the weights' scale), TFLite's
// MatrixBatchVectorMultiplyAccumulate with per-batch scaling factors.
void accumulate_hybrid(const HybridMatrix& m, int rows, const QuantizedRows& v, int n_batch,
                       bool asymmetric, float* out) {
  for (int b = 0; b < n_batch; ++b) {
    hybrid_matvec_accumulate(m.weights, rows, v.cols, v.values + int64_t{b} * v.cols,
                             v.scales[b] * m.scale, asymmetric ? v.offsets[b] : 0, m.row_sums,
                             out + int64_t{b} * rows);
  }
}

// What the gates of one step read: the float input and output state, and for
// the hybrid LSTM their quantized rows.
struct StepVectors {
  const float* input;
  bool input_is_zero;
  const float* output_state;
  const float* cell_state;
  const QuantizedRows* input_rows;   // hybrid only
  const QuantizedRows* state_rows;   // hybrid only
};

// One gate: bias (or 0 before layer norm) + W_in x + W_rec h + peephole .* c,
// layer-normalised, then sigmoid (tanh for the cell gate); `offset` is the
// gate's place in LiteRT's scratch.
void compute_gate(const FloatLstmParams& p, int gate_index, const StepVectors& v, int offset,
                  float* gate) {
  const FloatLstmGate& g = p.gates[gate_index];
  const int n = p.n_batch * p.n_cell;
  for (int i = 0; i < n; ++i) gate[i] = g.layer_norm_weights != nullptr ? 0.0f : g.bias[i % p.n_cell];
  if (p.hybrid != nullptr) {
    // TFLite skips the products of an all-zero input or output state.
    const HybridLstmMatrices& h = *p.hybrid;
    if (!v.input_rows->all_zero) {
      accumulate_hybrid(h.input[gate_index], p.n_cell, *v.input_rows, p.n_batch, h.asymmetric, gate);
    }
    if (!v.state_rows->all_zero) {
      accumulate_hybrid(h.recurrent[gate_index], p.n_cell, *v.state_rows, p.n_batch, h.asymmetric,
                        gate);
    }
  } else {
    // TFLite skips the input product for an all-zero input.
    if (!v.input_is_zero) {
      accumulate_product(g.input_weights, p.n_cell, p.n_input, v.input, p.n_batch, gate);
    }
    accumulate_product(g.recurrent_weights, p.n_cell, p.n_output, v.output_state, p.n_batch, gate);
  }
  if (g.peephole_weights != nullptr) {
    for (int i = 0; i < n; ++i) gate[i] += g.peephole_weights[i % p.n_cell] * v.cell_state[i];
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
  eigen_logistic(gate, n, offset);
}

// The scratch of one step: four gates and the hidden state (floats), then for
// the hybrid LSTM the quantized input, output state and hidden state.
struct StepScratch {
  float* gates[kLstmGates];
  float* hidden;
  QuantizedRows input_rows, state_rows, hidden_rows;
};

size_t align64(size_t bytes) { return (bytes + 63) / 64 * 64; }

StepScratch carve_scratch(const FloatLstmParams& p, void* scratch) {
  StepScratch s;
  uint8_t* at = static_cast<uint8_t*>(scratch);
  const size_t n = size_t(p.n_batch) * size_t(p.n_cell);
  for (int g = 0; g < kLstmGates; ++g) s.gates[g] = reinterpret_cast<float*>(at) + g * n;
  s.hidden = reinterpret_cast<float*>(at) + kLstmGates * n;
  at += align64(sizeof(float) * (kLstmGates + 1) * n);
  if (p.hybrid == nullptr) return s;
  QuantizedRows* rows[] = {&s.input_rows, &s.state_rows, &s.hidden_rows};
  const int cols[] = {p.n_input, p.n_output, p.n_cell};
  for (int k = 0; k < 3; ++k) {
    rows[k]->cols = cols[k];
    rows[k]->scales = reinterpret_cast<float*>(at);
    at += align64(sizeof(float) * size_t(p.n_batch));
    rows[k]->offsets = reinterpret_cast<int32_t*>(at);
    at += align64(sizeof(int32_t) * size_t(p.n_batch));
    rows[k]->values = reinterpret_cast<int8_t*>(at);
    at += align64(size_t(p.n_batch) * size_t(cols[k]));
  }
  return s;
}

}  // namespace

size_t lstm_float_scratch_bytes(const FloatLstmParams& p) {
  const size_t n = size_t(p.n_batch) * size_t(p.n_cell);
  size_t bytes = align64(sizeof(float) * (kLstmGates + 1) * n);
  if (p.hybrid == nullptr) return bytes;
  for (int cols : {p.n_input, p.n_output, p.n_cell}) {
    bytes += align64(sizeof(float) * size_t(p.n_batch)) + align64(sizeof(int32_t) * size_t(p.n_batch)) +
             align64(size_t(p.n_batch) * size_t(cols));
  }
  return bytes;
}

void float_lstm_step(const FloatLstmParams& p, const float* input, float* output_state,
                     float* cell_state, void* scratch, float* output, int slot_offset) {
  const int n = p.n_batch * p.n_cell;
  StepScratch s = carve_scratch(p, scratch);
  float* const* gates = s.gates;
  float* hidden = s.hidden;
  const int inputs = p.n_batch * p.n_input;
  const bool input_is_zero =
      std::all_of(input, input + inputs, [](float v) { return v == 0.0f; });
  if (p.hybrid != nullptr) {
    // TFLite quantizes the input and the old output state once per step.
    quantize_rows(input, p.n_batch, p.hybrid->asymmetric, &s.input_rows);
    quantize_rows(output_state, p.n_batch, p.hybrid->asymmetric, &s.state_rows);
  }
  const StepVectors v{input, input_is_zero, output_state, cell_state, &s.input_rows, &s.state_rows};
  // LiteRT's scratch slots: input, cell, forget, output gate (CIFG: cell,
  // forget, output).
  const int stride = p.slot_stride > 0 ? p.slot_stride : n;
  const int slots[kLstmGates] = {0, p.use_cifg ? 1 : 2, p.use_cifg ? 0 : 1, p.use_cifg ? 2 : 3};
  auto offset = [&](int gate) { return slots[gate] * stride + slot_offset; };
  // TFLite's order: input, forget and cell gates, the cell, the output gate
  // (its peephole reads the new cell state).
  if (!p.use_cifg) compute_gate(p, kLstmInputGate, v, offset(kLstmInputGate), gates[kLstmInputGate]);
  compute_gate(p, kLstmForgetGate, v, offset(kLstmForgetGate), gates[kLstmForgetGate]);
  compute_gate(p, kLstmCellGate, v, offset(kLstmCellGate), gates[kLstmCellGate]);
  const float* forget = gates[kLstmForgetGate];
  for (int i = 0; i < n; ++i) {
    const float input_gate = p.use_cifg ? 1.0f - forget[i] : gates[kLstmInputGate][i];
    float c = forget[i] * cell_state[i];
    c += gates[kLstmCellGate][i] * input_gate;
    if (p.cell_clip > 0.0f) c = std::min(std::max(c, -p.cell_clip), p.cell_clip);
    cell_state[i] = c;
  }
  compute_gate(p, kLstmOutputGate, v, offset(kLstmOutputGate), gates[kLstmOutputGate]);
  for (int i = 0; i < n; ++i) hidden[i] = gates[kLstmOutputGate][i] * eigen_tanh(cell_state[i]);
  const int outputs = p.n_batch * p.n_output;
  const bool projection =
      p.hybrid != nullptr ? p.hybrid->projection.weights != nullptr : p.projection_weights != nullptr;
  if (!projection) {
    std::memcpy(output_state, hidden, sizeof(float) * static_cast<size_t>(outputs));
  } else {
    for (int i = 0; i < outputs; ++i) {
      output_state[i] = p.projection_bias != nullptr ? p.projection_bias[i % p.n_output] : 0.0f;
    }
    if (p.hybrid == nullptr) {
      accumulate_product(p.projection_weights, p.n_output, p.n_cell, hidden, p.n_batch,
                         output_state);
    } else {
      // The hidden state is quantized like the inputs (skipped when all zero).
      quantize_rows(hidden, p.n_batch, p.hybrid->asymmetric, &s.hidden_rows);
      if (!s.hidden_rows.all_zero) {
        accumulate_hybrid(p.hybrid->projection, p.n_output, s.hidden_rows, p.n_batch,
                          p.hybrid->asymmetric, output_state);
      }
    }
    if (p.projection_clip > 0.0f) {
      for (int i = 0; i < outputs; ++i) {
        output_state[i] = std::min(std::max(output_state[i], -p.projection_clip), p.projection_clip);
      }
    }
  }
  const int stride_out = p.output_stride > 0 ? p.output_stride : p.n_output;
  for (int b = 0; b < p.n_batch; ++b) {
    std::memcpy(output + int64_t{b} * stride_out, output_state + int64_t{b} * p.n_output,
                sizeof(float) * static_cast<size_t>(p.n_output));
  }
}

}  // namespace ref
}  // namespace lowbit
