// TFLite's basic RNN cell (UNIDIRECTIONAL_SEQUENCE_RNN's step), float32:
//   h = activation(bias + input_weights . x + recurrent_weights . h)
// with the output equal to the new hidden state.
#pragma once

#include <cstdint>

#include "kernels/reference/qs8_matvec.h"

namespace lowbit {
namespace ref {

struct RnnShape {
  int batches = 1;  // rows stepped together (time-major: the batch; else 1)
  int inputs = 0;
  int units = 0;
};

// One step for `s.batches` rows of x [batches, inputs] and hidden
// [batches, units]; out [batches, units] receives the new hidden state too.
// activation: TFLite's ActivationFunctionType code (ref::apply_fused_activation).
void rnn_float_step(const RnnShape& s, const float* x, const float* input_weights,
                    const float* recurrent_weights, const float* bias, int activation,
                    float* hidden, float* out);

// The float step's end from its products' sums (for SIMD kernels that sum
// them in rnn_float_step's order): in_dots[b * units + u] = input_weights[u]
// . x[b], rec_dots likewise with the hidden state (read before this call).
void rnn_float_finish(const RnnShape& s, const float* bias, int activation, const float* in_dots,
                      const float* rec_dots, float* hidden, float* out);

// The hybrid cell (TFLite's hybrid RnnBatchStep): int8 weights, each batch
// row of x and of h quantized on the fly (ref::hybrid_quantize_row), each
// product skipped when its whole operand is zero.
struct RnnHybridWeights {
  const int8_t* input_weights = nullptr;  // [units, inputs]
  float input_scale = 1.0f;
  const int32_t* input_row_sums = nullptr;  // for asymmetric inputs
  const int8_t* recurrent_weights = nullptr;  // [units, units]
  float recurrent_scale = 1.0f;
  const int32_t* recurrent_row_sums = nullptr;
  bool asymmetric = false;
  // The int32 sums of the products from a kernels/qs8_matvec.h variant, then
  // scaled (hybrid_accumulate_sums); null: hybrid_matvec_accumulate directly.
  Qs8MatvecFn matvec = nullptr;
};
// scratch: max(inputs, units) int8 (one row at a time); sums: units int32,
// used only with w.matvec.
void rnn_hybrid_step(const RnnShape& s, const float* x, const RnnHybridWeights& w,
                     const float* bias, int activation, float* hidden, float* out, int8_t* scratch,
                     int32_t* sums);

}  // namespace ref
}  // namespace lowbit
