#include "kernels/reference/rnn.h"

#include <cstdint>

#include "kernels/reference/hybrid.h"
#include "kernels/reference/svdf.h"

namespace lowbit {
namespace ref {

void rnn_float_step(const RnnShape& s, const float* x, const float* input_weights,
                    const float* recurrent_weights, const float* bias, int activation,
                    float* hidden, float* out) {
  for (int b = 0; b < s.batches; ++b) {
    const float* xb = x + int64_t{b} * s.inputs;
    const float* hb = hidden + int64_t{b} * s.units;
    float* ob = out + int64_t{b} * s.units;
    // TFLite's order: the bias, plus the input product, plus the recurrent
    // product, each product summed on its own (in LiteRT's lane order).
    for (int u = 0; u < s.units; ++u) {
      const float dot = dot_f32_4lanes(input_weights + int64_t{u} * s.inputs, xb, s.inputs);
      const float rec = dot_f32_4lanes(recurrent_weights + int64_t{u} * s.units, hb, s.units);
      ob[u] = (bias[u] + dot) + rec;
    }
  }
  const int64_t n = int64_t{s.batches} * s.units;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = apply_fused_activation(activation, out[i]);
    hidden[i] = out[i];
  }
}

void rnn_float_finish(const RnnShape& s, const float* bias, int activation, const float* in_dots,
                      const float* rec_dots, float* hidden, float* out) {
  const int64_t n = int64_t{s.batches} * s.units;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = apply_fused_activation(activation, (bias[i % s.units] + in_dots[i]) + rec_dots[i]);
    hidden[i] = out[i];
  }
}

namespace {

// out[b] += weights . quantized(v[b]) for every batch row, unless v is all zero.
void hybrid_rows(int batches, int rows, int cols, const float* v, const int8_t* weights,
                 float weight_scale, const int32_t* row_sums, const RnnHybridWeights& w, int8_t* q,
                 int32_t* sums, float* out) {
  if (is_zero_vector(v, int64_t{batches} * cols)) return;
  for (int b = 0; b < batches; ++b) {
    float scale = 0.0f;
    int32_t offset = 0;
    hybrid_quantize_row(v + int64_t{b} * cols, cols, w.asymmetric, q, &scale, &offset);
    float* result = out + int64_t{b} * rows;
    if (w.matvec != nullptr) {
      w.matvec(size_t(rows), size_t(cols), weights, q, sums);
      hybrid_accumulate_sums(sums, rows, scale * weight_scale, offset, row_sums, result);
    } else {
      hybrid_matvec_accumulate(weights, rows, cols, q, scale * weight_scale, offset, row_sums,
                               result);
    }
  }
}

}  // namespace

void rnn_hybrid_step(const RnnShape& s, const float* x, const RnnHybridWeights& w,
                     const float* bias, int activation, float* hidden, float* out, int8_t* scratch,
                     int32_t* sums) {
  for (int b = 0; b < s.batches; ++b) {
    for (int u = 0; u < s.units; ++u) out[int64_t{b} * s.units + u] = bias[u];
  }
  hybrid_rows(s.batches, s.units, s.inputs, x, w.input_weights, w.input_scale, w.input_row_sums, w,
              scratch, sums, out);
  hybrid_rows(s.batches, s.units, s.units, hidden, w.recurrent_weights, w.recurrent_scale,
              w.recurrent_row_sums, w, scratch, sums, out);
  const int64_t n = int64_t{s.batches} * s.units;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = apply_fused_activation(activation, out[i]);
    hidden[i] = out[i];
  }
}

}  // namespace ref
}  // namespace lowbit
