// GATHER_ND: indices [..., depth] pick slices of params (TFLite semantics:
// output shape indices[:-1] + params[depth:]). Params of any byte dtype,
// indices int32 or int64 and possibly computed at run time: an index outside
// its dimension makes invoke() fail naming the operator, and nothing is read
// outside params. Constant indices are checked when the model loads.
#include <string>

#include "kernels/reference/gather_nd.h"
#include "ops/data_movement_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

int64_t index_at(const void* indices, bool is_int64, int64_t i) {
  return is_int64 ? static_cast<const int64_t*>(indices)[i]
                  : static_cast<const int32_t*>(indices)[i];
}

ref::GatherNdParams gather_nd_params(const GraphDesc& graph, const OperatorDesc& op) {
  const TensorDesc& params = graph.tensors[op.inputs[0]];
  const TensorDesc& indices = graph.tensors[op.inputs[1]];
  ref::GatherNdParams p;
  p.element_size = element_bytes(params.dtype);
  p.indices_int64 = indices.dtype == DType::kInt64;
  p.depth = indices.shape[indices.shape.rank - 1];
  int64_t strides[kMaxRank];
  dense_strides(params.shape, strides);
  for (int d = 0; d < p.depth; ++d) {
    p.dims[d] = params.shape[d];
    p.strides[d] = strides[d];
  }
  p.num_tuples = 1;
  for (int d = 0; d + 1 < indices.shape.rank; ++d) p.num_tuples *= indices.shape[d];
  for (int d = p.depth; d < params.shape.rank; ++d) p.slice_elements *= params.shape[d];
  return p;
}

std::string outside_message(const ref::GatherNdParams& p, int64_t position, int64_t value) {
  return "index " + std::to_string(value) + " at position " + std::to_string(position) +
         " of the indices is outside [0, " + std::to_string(p.dims[position % p.depth]) +
         ") of dimension " + std::to_string(position % p.depth);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
  LOWBIT_RETURN_IF_ERROR(check_movable(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1, {DType::kInt32, DType::kInt64}));
  // Unquantized int8/uint8 values (plain integers, as TFLite allows) move as
  // they are; quantized ones keep their scale and zero point.
  const TensorDesc& params_tensor = graph.tensors[op.inputs[0]];
  if (params_tensor.quant.scales.empty() && graph.tensors[op.outputs[0]].quant.scales.empty()) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {params_tensor.dtype}));
  } else {
    LOWBIT_RETURN_IF_ERROR(check_moved_unchanged(graph, op, 0, 0));
  }
  const Shape& params = graph.tensors[op.inputs[0]].shape;
  const TensorDesc& indices = graph.tensors[op.inputs[1]];
  if (params.rank < 1) return invalid(describe_input(graph, op, 0) + " must have rank >= 1");
  if (indices.shape.rank < 1) return invalid(describe_input(graph, op, 1) + " must have rank >= 1");
  const int depth = indices.shape[indices.shape.rank - 1];
  if (depth < 0 || depth > params.rank) {
    return invalid("the last dimension of " + describe_input(graph, op, 1) + " is " +
                   std::to_string(depth) + "; must lie in [0, " + std::to_string(params.rank) +
                   "], the rank of " + describe_input(graph, op, 0));
  }
  Shape out;
  out.rank = indices.shape.rank - 1 + params.rank - depth;
  if (out.rank > kMaxRank) {
    return invalid("the output would have rank " + std::to_string(out.rank) + ", more than " +
                   std::to_string(kMaxRank));
  }
  int k = 0;
  for (int d = 0; d + 1 < indices.shape.rank; ++d) out[k++] = indices.shape[d];
  for (int d = depth; d < params.rank; ++d) out[k++] = params[d];
  if (indices.is_constant() && depth > 0) {
    const ref::GatherNdParams p = gather_nd_params(graph, op);
    const bool wide = indices.dtype == DType::kInt64;
    for (int64_t i = 0; i < indices.shape.num_elements(); ++i) {
      const int64_t v = index_at(indices.data, wide, i);
      if (v < 0 || v >= p.dims[i % depth]) {
        return invalid(describe_input(graph, op, 1) + ": " + outside_message(p, i, v));
      }
    }
  }
  output_shapes[0] = out;
  return Status::Ok();
}

class GatherNd : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    p_ = gather_nd_params(ctx.graph(), ctx.op());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const int64_t bad = ref::gather_nd__reference(p_, ctx.input(0), ctx.input(1), ctx.output(0));
    if (bad < 0) return Status::Ok();
    return Status(StatusCode::kInvalidArgument,
                  outside_message(p_, bad, index_at(ctx.input(1), p_.indices_int64, bad)));
  }

  const char* name() const override { return "gather_nd__reference"; }

 private:
  ref::GatherNdParams p_;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(new GatherNd());
}

}  // namespace

LOWBIT_REGISTER_OP(GatherNd, validate, create)

}  // namespace lowbit
