// TFLite's basic RNN cell (UNIDIRECTIONAL_SEQUENCE_RNN's step), float32:
//   h = activation(bias + input_weights . x + recurrent_weights . h)
// with the output equal to the new hidden state.
#pragma once

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

}  // namespace ref
}  // namespace lowbit
