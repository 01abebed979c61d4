// GATHER: output = params[..., indices[...], ...] along GatherOptions::axis,
// with the first batch_dims dimensions of params and indices shared (TFLite
// semantics: output shape params[:axis] + indices[batch_dims:] +
// params[axis+1:]). Indices are int32 or int64 and may be computed at run
// time: an index outside the axis makes invoke() fail naming the operator,
// and nothing is read outside the params tensor. Constant indices are
// checked when the model loads.
#include <string>

#include "kernels/data_movement.h"
#include "ops/data_movement_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

struct Resolved {
  int axis = 0, batch_dims = 0;
};

Status resolve(const GraphDesc& graph, const OperatorDesc& op, Resolved* r) {
  const auto* opt = get_options<GatherOptions>(op);
  if (!opt) return invalid("missing GatherOptions");
  const Shape& params = graph.tensors[op.inputs[0]].shape;
  const Shape& indices = graph.tensors[op.inputs[1]].shape;
  LOWBIT_RETURN_IF_ERROR(resolve_axis(opt->axis, params.rank, "axis", &r->axis));
  int batch_dims = opt->batch_dims;
  if (batch_dims < 0) batch_dims += indices.rank;
  if (batch_dims < 0 || batch_dims > indices.rank || batch_dims > r->axis) {
    return invalid("batch_dims " + std::to_string(opt->batch_dims) + " must lie in [0, " +
                   std::to_string(indices.rank) + "] and not exceed axis " +
                   std::to_string(r->axis));
  }
  for (int d = 0; d < batch_dims; ++d) {
    if (params[d] != indices[d]) {
      return invalid("batch dimension " + std::to_string(d) + " differs: " +
                     describe_input(graph, op, 0) + " " + params.to_string() + ", " +
                     describe_input(graph, op, 1) + " " + indices.to_string());
    }
  }
  r->batch_dims = batch_dims;
  return Status::Ok();
}

ref::GatherParams gather_params(const GraphDesc& graph, const OperatorDesc& op, const Resolved& r) {
  const TensorDesc& values = graph.tensors[op.inputs[0]];
  const TensorDesc& indices = graph.tensors[op.inputs[1]];
  ref::GatherParams p;
  p.element_size = element_bytes(values.dtype);
  p.indices_int64 = indices.dtype == DType::kInt64;
  for (int d = 0; d < r.batch_dims; ++d) p.batch *= values.shape[d];
  for (int d = r.batch_dims; d < r.axis; ++d) p.outer *= values.shape[d];
  p.axis_size = values.shape[r.axis];
  for (int d = r.axis + 1; d < values.shape.rank; ++d) p.inner *= values.shape[d];
  p.num_indices = 1;
  for (int d = r.batch_dims; d < indices.shape.rank; ++d) p.num_indices *= indices.shape[d];
  return p;
}

int64_t index_value(const TensorDesc& indices, int64_t i) {
  return indices.dtype == DType::kInt64 ? static_cast<const int64_t*>(indices.data)[i]
                                        : static_cast<const int32_t*>(indices.data)[i];
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
  LOWBIT_RETURN_IF_ERROR(check_movable(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1, {DType::kInt32, DType::kInt64}));
  LOWBIT_RETURN_IF_ERROR(check_moved_unchanged(graph, op, 0, 0));
  Resolved r;
  LOWBIT_RETURN_IF_ERROR(resolve(graph, op, &r));
  const Shape& params = graph.tensors[op.inputs[0]].shape;
  const TensorDesc& indices = graph.tensors[op.inputs[1]];
  Shape out;
  out.rank = params.rank - 1 + indices.shape.rank - r.batch_dims;
  if (out.rank > kMaxRank) {
    return invalid("the output would have rank " + std::to_string(out.rank) + ", more than " +
                   std::to_string(kMaxRank));
  }
  int k = 0;
  for (int d = 0; d < r.axis; ++d) out[k++] = params[d];
  for (int d = r.batch_dims; d < indices.shape.rank; ++d) out[k++] = indices.shape[d];
  for (int d = r.axis + 1; d < params.rank; ++d) out[k++] = params[d];
  if (indices.is_constant()) {
    for (int64_t i = 0; i < indices.shape.num_elements(); ++i) {
      const int64_t v = index_value(indices, i);
      if (v < 0 || v >= params[r.axis]) {
        return invalid(describe_input(graph, op, 1) + " holds " + std::to_string(v) +
                       " at position " + std::to_string(i) + ", outside [0, " +
                       std::to_string(params[r.axis]) + ") of axis " + std::to_string(r.axis));
      }
    }
  }
  output_shapes[0] = out;
  return Status::Ok();
}

class Gather : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    Resolved r;
    LOWBIT_RETURN_IF_ERROR(resolve(ctx.graph(), ctx.op(), &r));
    p_ = gather_params(ctx.graph(), ctx.op(), r);
    const auto& variant = ctx.selector().select(move_gather_variants());
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const int64_t bad = fn_(p_, ctx.input(0), ctx.input(1), ctx.output(0));
    if (bad < 0) return Status::Ok();
    const void* raw = ctx.input(1);
    const int64_t v = p_.indices_int64 ? static_cast<const int64_t*>(raw)[bad]
                                       : static_cast<const int32_t*>(raw)[bad];
    return Status(StatusCode::kInvalidArgument,
                  "index " + std::to_string(v) + " at position " + std::to_string(bad) +
                      " of the indices is outside [0, " + std::to_string(p_.axis_size) + ")");
  }

  const char* name() const override { return name_; }

 private:
  ref::GatherParams p_;
  ref::GatherFn fn_ = nullptr;
  const char* name_ = "";
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(new Gather());
}

}  // namespace

LOWBIT_REGISTER_OP(Gather, validate, create)

}  // namespace lowbit
