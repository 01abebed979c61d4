// Float32 and hybrid LSTM graphs for the unit tests: one cell's operands
// (weights, biases, optional peephole/projection/layer norm, variable states)
// written at the operand positions of UNIDIRECTIONAL_SEQUENCE_LSTM or of either
// direction of BIDIRECTIONAL_SEQUENCE_LSTM, from a seed, so that the same cell
// can be built into both operators.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lowbit/model_builder.h"
#include "ops/lstm_operands.h"

namespace lowbit {
namespace testing {

struct FloatCellSpec {
  int units = 5, features = 3;
  bool hybrid = false;      // int8 weights with per-tensor scales
  bool dequantized = false;  // the hybrid cell's int8 weights stored as float32 (q * scale)
  bool cifg = false;        // no input gate
  bool peephole = false;
  bool layer_norm = false;  // UNIDIRECTIONAL_SEQUENCE_LSTM only
  int projection = 0;       // > 0: projection to this many outputs
  int outputs() const { return projection > 0 ? projection : units; }
};

// Adds the cell's operands for `batch` sequences into `in` (sized for the
// operator) at `cell`'s positions; names start with `prefix`.
void add_float_cell(ModelBuilder& b, std::vector<int>& in, const LstmCellOperands& cell,
                    const FloatCellSpec& spec, int batch, const std::string& prefix,
                    uint32_t seed);

}  // namespace testing
}  // namespace lowbit
