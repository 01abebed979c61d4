// How the LSTM kernels walk a sequence: time-major inputs step all batches at
// once; batch-major ones run each sequence on its own with its row of state,
// as TFLite does. Shared by the integer and float kernels.
#pragma once

#include <cstdint>
#include <variant>

#include "ops/lstm_operands.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace lstm {

struct SequenceShape {
  bool time_major = false;
  int steps = 0, batches = 0;
  int n_input = 0, n_cell = 0, n_output = 0;
};

// The sequence's layout and sizes from the operator's input and weights.
inline SequenceShape sequence_shape(const PrepareContext& ctx) {
  const Shape& input = ctx.input(kInput).shape;
  SequenceShape s;
  s.time_major = std::get<SequenceLstmOptions>(ctx.op().options).time_major;
  s.steps = s.time_major ? input[0] : input[1];
  s.batches = s.time_major ? input[1] : input[0];
  s.n_input = input[2];
  s.n_cell = ctx.input(kInputWeights + 1).shape[0];
  s.n_output = ctx.has_input(kProjectionWeights) ? ctx.input(kProjectionWeights).shape[0] : s.n_cell;
  return s;
}

// Multiply-accumulates of the gate products and the projection.
inline uint64_t sequence_macs(const SequenceShape& s, bool cifg, bool projection) {
  const uint64_t gates = cifg ? 3 : 4;
  return uint64_t(s.steps) * uint64_t(s.batches) *
         (gates * uint64_t(s.n_cell) * uint64_t(s.n_input + s.n_output) +
          (projection ? uint64_t(s.n_cell) * uint64_t(s.n_output) : 0));
}

// step(input, output_state, cell_state, output, batches_in_step) per time step.
template <typename In, typename Out, typename Cell, typename Step>
void run_sequence(const SequenceShape& s, const In* input, Out* output_state, Cell* cell_state,
                  Out* output, Step&& step) {
  if (s.time_major) {
    const int stride_in = s.batches * s.n_input, stride_out = s.batches * s.n_output;
    for (int t = 0; t < s.steps; ++t) {
      step(input + t * stride_in, output_state, cell_state, output + t * stride_out);
    }
    return;
  }
  for (int b = 0; b < s.batches; ++b) {
    for (int t = 0; t < s.steps; ++t) {
      const int row = b * s.steps + t;
      step(input + row * s.n_input, output_state + b * s.n_output, cell_state + b * s.n_cell,
           output + row * s.n_output);
    }
  }
}

}  // namespace lstm
}  // namespace lowbit
