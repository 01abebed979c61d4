// Shared by the data movement operators (TRANSPOSE, SLICE, STRIDED_SLICE,
// SPLIT, SPLIT_V, PACK, UNPACK, SQUEEZE, EXPAND_DIMS, TILE, DEPTH_TO_SPACE,
// SPACE_TO_DEPTH): operand checks, and one kernel that runs the strided
// copies an operator plans (kernels/data_movement.h).
//
// Their index parameters (perm, begin/end/strides, axis, size_splits,
// multiples) are options, not tensors: lowbit fixes every shape when a model
// loads, so they must be constants, and like PAD's paddings the converter
// reads TFLite's constant index tensors into the options (a tensor computed at
// run time is rejected there, naming the operator and the tensor).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "kernels/data_movement.h"
#include "ops/op_kernel.h"

namespace lowbit {

// float32, int8, uint8, int32, int64 and bool: every dtype whose elements are
// whole bytes. Bit tensors are rejected with a message naming the operand.
Status check_movable(const GraphDesc& graph, const OperatorDesc& op, bool is_input, size_t i);

// Output `output` has input `input`'s dtype and, for int8/uint8, the same
// per-tensor scale and zero point (moving bytes cannot requantize).
Status check_moved_unchanged(const GraphDesc& graph, const OperatorDesc& op, size_t input,
                             size_t output);

// axis in [-rank, rank) -> [0, rank); `what` names the option in the message.
Status resolve_axis(int32_t axis, int rank, const char* what, int* resolved);

// Element strides of a dense row-major tensor.
void dense_strides(const Shape& shape, int64_t* strides);

// Dense element strides of input 0 and output 0.
void operand_strides(const GraphDesc& graph, const OperatorDesc& op, int64_t* in_strides,
                     int64_t* out_strides);

// A copy of `shape`'s elements in order (SQUEEZE, EXPAND_DIMS).
ref::StridedCopyParams dense_copy(const Shape& shape);

// One iteration dimension of a slice: input dimension `input_dim` (-1 for a
// new axis of size 1) read from `start` in steps of `step`, `count` times.
struct SliceAxis {
  int input_dim = -1;
  int64_t start = 0, step = 1, count = 1;
};

// The slice of `in` that `axes` describe, written densely in axis order.
ref::StridedCopyParams slice_copy(const Shape& in, const std::vector<SliceAxis>& axes);

// One planned strided copy from operator input `input` to output `output`.
struct PlannedMove {
  size_t input = 0;
  size_t output = 0;
  ref::StridedCopyParams params;  // element_size is filled in by the kernel
};

// Plans the copies of a validated operator.
using PlanMovesFn = void (*)(const GraphDesc& graph, const OperatorDesc& op,
                             std::vector<PlannedMove>* moves);

Result<std::unique_ptr<OpKernel>> create_move_kernel(PlanMovesFn plan);

// The CreateFn of an operator whose kernel runs the copies Plan makes:
// LOWBIT_REGISTER_OP(Tile, validate, create_moves<plan>).
template <PlanMovesFn Plan>
Result<std::unique_ptr<OpKernel>> create_moves(const GraphDesc&, const OperatorDesc&) {
  return create_move_kernel(Plan);
}

// One input moved unchanged to one output: arity, dtype and quantization.
Status check_single_move(const GraphDesc& graph, const OperatorDesc& op);

// check_single_move(), then the operator's options of kind T.
template <typename T>
Status single_move_options(const GraphDesc& graph, const OperatorDesc& op, const char* kind,
                           const T** options) {
  LOWBIT_RETURN_IF_ERROR(check_single_move(graph, op));
  *options = std::get_if<T>(&op.options);
  if (*options == nullptr) return Status(StatusCode::kInvalidModel, std::string("missing ") + kind);
  return Status::Ok();
}

// An options list (`what`: "perm", "multiples") with one entry per dimension
// of input 0.
Status check_one_per_dimension(const GraphDesc& graph, const OperatorDesc& op, size_t entries,
                               const char* what);

}  // namespace lowbit
