// PACK (tf.stack) and UNPACK (tf.unstack): N tensors of one shape to one
// tensor with a new dimension of size N at AxisOptions::axis, and back. Axis
// counts in the packed shape, so it ranges over [-(rank+1), rank] of the
// unpacked shape. One strided copy per unpacked tensor. (LCE's bit unpacking
// is the unrelated BIT_UNPACK, src/ops/unpack.cpp.)
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// Operand i of the side holding N tensors, and the packed tensor.
const TensorDesc& unpacked(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  return graph.tensors[op.type == OpType::kPack ? op.inputs[i] : op.outputs[i]];
}

Status packed_axis(const OperatorDesc& op, int packed_rank, int* axis) {
  const auto* opt = get_options<AxisOptions>(op);
  if (!opt) return invalid("missing AxisOptions");
  return resolve_axis(opt->axis, packed_rank, "axis", axis);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  const bool pack = op.type == OpType::kPack;
  const size_t n = pack ? op.inputs.size() : op.outputs.size();
  if (n == 0) return invalid(std::string("expects at least 1 ") + (pack ? "input" : "output"));
  LOWBIT_RETURN_IF_ERROR(pack ? check_arity(op, n, n, 1) : check_arity(op, 1, 1, n));
  LOWBIT_RETURN_IF_ERROR(check_movable(graph, op, true, 0));
  if (pack) {
    const Shape& shape = graph.tensors[op.inputs[0]].shape;
    if (shape.rank >= kMaxRank) {
      return invalid(describe_input(graph, op, 0) + " has rank " + std::to_string(shape.rank) +
                     "; packing would exceed rank " + std::to_string(kMaxRank));
    }
    int axis = 0;
    LOWBIT_RETURN_IF_ERROR(packed_axis(op, shape.rank + 1, &axis));
    for (size_t i = 0; i < n; ++i) {
      LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {graph.tensors[op.inputs[0]].dtype}));
      if (graph.tensors[op.inputs[i]].shape != shape) {
        return invalid(describe_input(graph, op, i) + " shape " +
                       graph.tensors[op.inputs[i]].shape.to_string() + " differs from input 0 " +
                       shape.to_string());
      }
      LOWBIT_RETURN_IF_ERROR(check_moved_unchanged(graph, op, i, 0));
    }
    Shape out;
    out.rank = shape.rank + 1;
    for (int d = 0, s = 0; d < out.rank; ++d) out[d] = d == axis ? static_cast<int32_t>(n) : shape[s++];
    output_shapes[0] = out;
    return Status::Ok();
  }
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  int axis = 0;
  LOWBIT_RETURN_IF_ERROR(packed_axis(op, in.rank, &axis));
  if (in[axis] != static_cast<int32_t>(n)) {
    return invalid("dimension " + std::to_string(axis) + " of " + describe_input(graph, op, 0) +
                   " is " + std::to_string(in[axis]) + ", but the operator has " +
                   std::to_string(n) + " outputs");
  }
  Shape out;
  for (int d = 0; d < in.rank; ++d) {
    if (d != axis) out.dims[out.rank++] = in[d];
  }
  for (size_t i = 0; i < n; ++i) {
    LOWBIT_RETURN_IF_ERROR(check_moved_unchanged(graph, op, 0, i));
    output_shapes[i] = out;
  }
  return Status::Ok();
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  const bool pack = op.type == OpType::kPack;
  const TensorDesc& packed = graph.tensors[pack ? op.outputs[0] : op.inputs[0]];
  int axis = 0;
  (void)packed_axis(op, packed.shape.rank, &axis);  // validated at load
  int64_t packed_strides[kMaxRank];
  dense_strides(packed.shape, packed_strides);
  const size_t n = pack ? op.inputs.size() : op.outputs.size();
  for (size_t i = 0; i < n; ++i) {
    const Shape& shape = unpacked(graph, op, i).shape;
    int64_t dense[kMaxRank];
    dense_strides(shape, dense);
    PlannedMove m;
    m.input = pack ? i : 0;
    m.output = pack ? 0 : i;
    ref::StridedCopyParams& p = m.params;
    p.rank = shape.rank > 0 ? shape.rank : 1;
    p.dims[0] = 1;
    int64_t* packed_side = pack ? p.out_strides : p.in_strides;
    int64_t* unpacked_side = pack ? p.in_strides : p.out_strides;
    for (int d = 0; d < shape.rank; ++d) {
      p.dims[d] = shape[d];
      unpacked_side[d] = dense[d];
      packed_side[d] = packed_strides[d < axis ? d : d + 1];
    }
    (pack ? p.out_offset : p.in_offset) = static_cast<int64_t>(i) * packed_strides[axis];
    moves->push_back(m);
  }
}

}  // namespace

LOWBIT_REGISTER_OP(Pack, validate, create_moves<plan>)
LOWBIT_REGISTER_OP(Unpack, validate, create_moves<plan>)

}  // namespace lowbit
