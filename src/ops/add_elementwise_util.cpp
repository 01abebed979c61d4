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
