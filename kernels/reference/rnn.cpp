#include "kernels/reference/rnn.h"

#include <cstdint>

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

}  // namespace ref
}  // namespace lowbit
