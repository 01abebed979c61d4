// ARG_MAX (and, through arg_min.cpp, ARG_MIN): the index of the largest
// (smallest) element along AxisOptions::axis, the first one on ties, as an
// int32 or int64 tensor (TFLite's output_type is the output tensor's dtype;
// its axis operand is a constant the converter moves into the options). The
// numerics are kernels/reference/arg_reduce.h, the kernel its family's best
// variant (kernels/arg_reduce.h); work is split over the outer slices, which
// never share an output element.
#include <string>

#include "kernels/arg_reduce.h"
#include "ops/add_elementwise_util.h"
#include "ops/arg_reduce.h"
#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status resolved_axis(const GraphDesc& graph, const OperatorDesc& op, int* axis) {
  const AxisOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  return resolve_axis(opt->axis, graph.tensors[op.inputs[0]].shape.rank, "axis", axis);
}

ref::ArgReduceParams arg_reduce_params(const GraphDesc& graph, const OperatorDesc& op, int axis) {
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  ref::ArgReduceParams p;
  p.input = in.dtype;
  p.output = graph.tensors[op.outputs[0]].dtype;
  p.minimum = op.type == OpType::kArgMin;
  for (int d = 0; d < axis; ++d) p.outer *= static_cast<size_t>(in.shape[d]);
  p.axis_size = static_cast<size_t>(in.shape[axis]);
  for (int d = axis + 1; d < in.shape.rank; ++d) p.inner *= static_cast<size_t>(in.shape[d]);
  return p;
}

class ArgReduce : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    int axis = 0;
    LOWBIT_RETURN_IF_ERROR(resolved_axis(ctx.graph(), ctx.op(), &axis));
    p_ = arg_reduce_params(ctx.graph(), ctx.op(), axis);
    const size_t slice = p_.axis_size * p_.inner;
    outer_per_task_ = slice >= kElementwiseBlock ? 1 : kElementwiseBlock / slice;
    const auto& variant = ctx.selector().select(arg_reduce_variants());
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const void* in = ctx.input(0);
    void* out = ctx.output(0);
    parallel_blocks(ctx.pool(), p_.outer, outer_per_task_, [&](size_t begin, size_t end) {
      fn_(p_, in, out, begin, end);
    });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  ref::ArgReduceParams p_;
  size_t outer_per_task_ = 1;
  ref::ArgReduceFn fn_ = nullptr;
  const char* name_ = "";
};

}  // namespace

Status validate_arg_reduce(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0,
                                     {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt32, DType::kInt64}));
  int axis = 0;
  LOWBIT_RETURN_IF_ERROR(resolved_axis(graph, op, &axis));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  if (in[axis] < 1) {
    return invalid(describe_input(graph, op, 0) + " " + in.to_string() + " has no elements along axis " +
                   std::to_string(axis) + " to choose an index from");
  }
  Shape out;
  for (int d = 0; d < in.rank; ++d) {
    if (d != axis) out[out.rank++] = in[d];
  }
  output_shapes[0] = out;
  return Status::Ok();
}

Result<std::unique_ptr<OpKernel>> create_arg_reduce(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(new ArgReduce());
}

LOWBIT_REGISTER_OP(ArgMax, validate_arg_reduce, create_arg_reduce)

}  // namespace lowbit
