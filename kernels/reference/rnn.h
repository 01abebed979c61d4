// TFLite's basic RNN cell (UNIDIRECTIONAL_SEQUENCE_RNN's step), float32:
//   h = activation(bias + input_weights . x + recurrent_weights . h)
// with the output equal to the new hidden state.
#pragma once

#include <cstdint>

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
};
// scratch: max(inputs, units) int8 (one row at a time).
void rnn_hybrid_step(const RnnShape& s, const float* x, const RnnHybridWeights& w,
                     const float* bias, int activation, float* hidden, float* out, int8_t* scratch);

}  // namespace ref
}  // namespace lowbit
