// The float32 and hybrid (float activations, int8 weights) LSTM cells:
// ref::float_lstm_step over a sequence (src/ops/lstm_sequence.h), for
// UNIDIRECTIONAL_SEQUENCE_LSTM and for each direction of
// BIDIRECTIONAL_SEQUENCE_LSTM, whose operands sit at other positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/reference/lstm_float.h"
#include "ops/lstm_operands.h"
#include "ops/lstm_sequence.h"
#include "ops/op_kernel.h"

namespace lowbit {

struct LstmCellOptions {
  float cell_clip = 0.0f, proj_clip = 0.0f;
  bool asymmetric_quantize_inputs = false;  // hybrid only
};

// One float32 or hybrid cell over a sequence; hybrid when its weights are int8.
class FloatLstmCell {
 public:
  FloatLstmCell() = default;
  FloatLstmCell(const FloatLstmCell&) = delete;  // p_ points into matrices_
  FloatLstmCell& operator=(const FloatLstmCell&) = delete;

  // `shape` gives the sequence and this cell's sizes, direction and output row stride.
  Status prepare(PrepareContext& ctx, const LstmCellOperands& operands,
                 const lstm::SequenceShape& shape, const LstmCellOptions& options);
  size_t scratch_bytes() const { return ref::lstm_float_scratch_bytes(p_); }
  // Runs the sequence; `output` points at this cell's first output element.
  void run(const RunContext& ctx, const float* input, float* output, void* scratch) const;
  bool hybrid() const { return p_.hybrid != nullptr; }
  uint64_t macs() const { return macs_; }

 private:
  Status prepare_hybrid(PrepareContext& ctx, const LstmCellOperands& operands, bool asymmetric);

  LstmCellOperands operands_{};
  ref::FloatLstmParams p_;
  ref::HybridLstmMatrices matrices_;
  lstm::SequenceShape shape_;
  uint64_t macs_ = 0;
};

// UNIDIRECTIONAL_SEQUENCE_LSTM's float32 and hybrid kernel.
std::unique_ptr<OpKernel> make_lstm_float_kernel();

}  // namespace lowbit
