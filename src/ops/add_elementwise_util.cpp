#include "ops/add_elementwise_util.h"

#include <string>

#include "ops/op_util.h"

namespace lowbit {

Status broadcast_shape(const GraphDesc& graph, const OperatorDesc& op, Shape* out) {
  const Shape& a = graph.tensors[op.inputs[0]].shape;
  const Shape& b = graph.tensors[op.inputs[1]].shape;
  const int rank = a.rank > b.rank ? a.rank : b.rank;
  Shape result;
  result.rank = rank;
  for (int d = 0; d < rank; ++d) {
    const int da = d - (rank - a.rank), db = d - (rank - b.rank);
    const int32_t x = da >= 0 ? a[da] : 1;
    const int32_t y = db >= 0 ? b[db] : 1;
    if (x < 0 || y < 0) {
      return invalid((x < 0 ? describe_input(graph, op, 0) : describe_input(graph, op, 1)) +
                     " has a negative dimension");
    }
    if (x != y && x != 1 && y != 1) {
      return invalid(describe_input(graph, op, 0) + " shape " + a.to_string() + " and " +
                     describe_input(graph, op, 1) + " shape " + b.to_string() +
                     " do not broadcast (dimension " + std::to_string(d) + ": " +
                     std::to_string(x) + " vs " + std::to_string(y) + ")");
    }
    result[d] = x == 1 ? y : x;
  }
  *out = result;
  return Status::Ok();
}

BroadcastPlan::BroadcastPlan(const Shape& a, const Shape& b, const Shape& out) {
  // Per output dimension: size and the element stride of each input (0 when
  // that input is broadcast along it). Size-1 dimensions are dropped.
  int64_t dims[kMaxRank], sa[kMaxRank], sb[kMaxRank];
  int n = 0;
  int64_t stride_a = 1, stride_b = 1;
  int64_t tmp_dims[kMaxRank], tmp_a[kMaxRank], tmp_b[kMaxRank];
  int count = 0;
  for (int d = out.rank - 1; d >= 0; --d) {
    const int da = d - (out.rank - a.rank), db = d - (out.rank - b.rank);
    const int64_t xa = da >= 0 ? a[da] : 1;
    const int64_t xb = db >= 0 ? b[db] : 1;
    const int64_t size = out[d];
    if (size != 1) {
      tmp_dims[count] = size;
      tmp_a[count] = xa == 1 ? 0 : stride_a;
      tmp_b[count] = xb == 1 ? 0 : stride_b;
      ++count;
    }
    stride_a *= xa;
    stride_b *= xb;
  }
  // tmp_* run innermost first; merge a dimension into the previous (inner)
  // one when both inputs continue contiguously (or stay broadcast).
  for (int i = 0; i < count; ++i) {
    if (n > 0) {
      const int j = n - 1;
      const bool a_merges = (sa[j] == 0 && tmp_a[i] == 0) ||
                            (sa[j] != 0 && tmp_a[i] == sa[j] * dims[j]);
      const bool b_merges = (sb[j] == 0 && tmp_b[i] == 0) ||
                            (sb[j] != 0 && tmp_b[i] == sb[j] * dims[j]);
      if (a_merges && b_merges) {
        dims[j] *= tmp_dims[i];
        continue;
      }
    }
    dims[n] = tmp_dims[i];
    sa[n] = tmp_a[i];
    sb[n] = tmp_b[i];
    ++n;
  }
  int64_t total = 1;
  for (int d = 0; d < out.rank; ++d) total *= out[d];
  if (total == 0) return;  // rows_ = 0: nothing to do
  if (n == 0) {
    dims[0] = 1;
    sa[0] = sb[0] = 0;
    n = 1;
  }
  inner_ = static_cast<size_t>(dims[0]);
  a_inner_stride_ = static_cast<size_t>(sa[0]);
  b_inner_stride_ = static_cast<size_t>(sb[0]);
  // Outer dimensions, stored innermost first.
  outer_rank_ = n - 1;
  rows_ = 1;
  for (int i = 1; i < n; ++i) {
    outer_dims_[i - 1] = dims[i];
    a_strides_[i - 1] = sa[i];
    b_strides_[i - 1] = sb[i];
    rows_ *= static_cast<size_t>(dims[i]);
  }
}

void BroadcastPlan::row_offsets(size_t row, size_t* a_offset, size_t* b_offset) const {
  int64_t remaining = static_cast<int64_t>(row);
  int64_t a = 0, b = 0;
  for (int i = 0; i < outer_rank_; ++i) {
    const int64_t index = remaining % outer_dims_[i];
    remaining /= outer_dims_[i];
    a += index * a_strides_[i];
    b += index * b_strides_[i];
  }
  *a_offset = static_cast<size_t>(a);
  *b_offset = static_cast<size_t>(b);
}

Status plan_broadcast(const PrepareContext& ctx, BroadcastPlan* plan) {
  const TensorDesc& out = ctx.output(0);
  *plan = BroadcastPlan(ctx.input(0).shape, ctx.input(1).shape, out.shape);
  if (static_cast<int64_t>(plan->rows() * plan->inner()) != out.shape.num_elements()) {
    return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " shape " +
                   out.shape.to_string() + " is not the broadcast of the inputs");
  }
  return Status::Ok();
}

Status check_same_dtype_operands(const GraphDesc& graph, const OperatorDesc& op,
                                 std::initializer_list<DType> allowed, DType* dtype) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, allowed));
  const DType common = graph.tensors[op.inputs[0]].dtype;
  const bool quantized =
      common == DType::kInt8 || common == DType::kUInt8 || common == DType::kInt16;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {common}));
    if (quantized) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, i));
    if (common == DType::kInt16) LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, true, i));
  }
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, i, {common}));
    if (quantized) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, i));
    if (common == DType::kInt16) LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, false, i));
  }
  *dtype = common;
  return Status::Ok();
}

Status check_symmetric_int16(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                             size_t i) {
  const TensorDesc& t = graph.tensors[is_input ? op.inputs[i] : op.outputs[i]];
  if (t.quant.zero_points.empty() || t.quant.zero_points[0] == 0) return Status::Ok();
  return invalid((is_input ? describe_input(graph, op, i) : describe_output(graph, op, i)) +
                 " has int16 zero point " + std::to_string(t.quant.zero_points[0]) +
                 "; TFLite's int16 kernels need 0 (symmetric)");
}

Status check_int8_or_float_operands(const GraphDesc& graph, const OperatorDesc& op,
                                    DType* dtype) {
  return check_same_dtype_operands(graph, op, {DType::kInt8, DType::kFloat32}, dtype);
}

Status validate_plain_unary(const GraphDesc& graph, const OperatorDesc& op,
                            std::initializer_list<DType> allowed, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  DType dtype;
  LOWBIT_RETURN_IF_ERROR(check_same_dtype_operands(graph, op, allowed, &dtype));
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

Status validate_int8_or_float_unary(const GraphDesc& graph, const OperatorDesc& op,
                                    Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kInt8, DType::kFloat32}, output_shapes);
}

Status check_same_element_count(const PrepareContext& ctx) {
  if (ctx.input(0).shape.num_elements() != ctx.output(0).shape.num_elements()) {
    return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " shape " +
                   ctx.output(0).shape.to_string() + " does not match " +
                   describe_input(ctx.graph(), ctx.op(), 0) + " shape " +
                   ctx.input(0).shape.to_string());
  }
  return Status::Ok();
}

}  // namespace lowbit
