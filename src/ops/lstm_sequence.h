// How the LSTM kernels walk a sequence: time-major inputs step all batches at
// once; batch-major ones run each sequence on its own with its row of state,
// as TFLite does; a backward cell (BIDIRECTIONAL_SEQUENCE_LSTM) walks the
// time steps last to first. Shared by the integer, float and hybrid kernels.
#pragma once

#include <cstdint>
#include <type_traits>
#include <variant>

#include "ops/lstm_operands.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace lstm {

struct SequenceShape {
  bool time_major = false;
  int steps = 0, batches = 0;
  int n_input = 0, n_cell = 0, n_output = 0;
  bool forward = true;    // false: time steps last to first
  int output_stride = 0;  // elements between output rows (0: n_output; merged outputs: wider)
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

// step(input, output_state, cell_state, output) per time step, all batches at
// once (time-major) or one sequence at a time; a step that takes a fifth
// argument gets the sequence's batch index (0 when time-major). `output`
// points at this cell's first output element.
template <typename In, typename Out, typename Cell, typename Step>
void run_sequence(const SequenceShape& s, const In* input, Out* output_state, Cell* cell_state,
                  Out* output, Step&& step) {
  const int64_t stride_out = s.output_stride > 0 ? s.output_stride : s.n_output;
  auto call = [&](const In* x, Out* h, Cell* c, Out* y, int batch) {
    if constexpr (std::is_invocable_v<Step&, const In*, Out*, Cell*, Out*, int>) {
      step(x, h, c, y, batch);
    } else {
      step(x, h, c, y);
    }
  };
  if (s.time_major) {
    const int64_t stride_in = int64_t{s.batches} * s.n_input;
    for (int k = 0; k < s.steps; ++k) {
      const int t = s.forward ? k : s.steps - 1 - k;
      call(input + t * stride_in, output_state, cell_state, output + t * s.batches * stride_out, 0);
    }
    return;
  }
  for (int b = 0; b < s.batches; ++b) {
    for (int k = 0; k < s.steps; ++k) {
      const int64_t row = int64_t{b} * s.steps + (s.forward ? k : s.steps - 1 - k);
      call(input + row * s.n_input, output_state + int64_t{b} * s.n_output,
           cell_state + int64_t{b} * s.n_cell, output + row * stride_out, b);
    }
  }
}

}  // namespace lstm
}  // namespace lowbit
