// TRANSPOSE: output dimension d is input dimension perm[d]
// (TransposeOptions::perm, a constant in TFLite moved into options by the
// converter; see ops/data_movement_util.h). One strided copy, which the
// reference kernel turns into row memcpys when the innermost dimension stays
// innermost, and into cache tiles when it swaps with another (NCHW <-> NHWC).
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  const TransposeOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(single_move_options(graph, op, "TransposeOptions", &opt));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  LOWBIT_RETURN_IF_ERROR(check_one_per_dimension(graph, op, opt->perm.size(), "perm"));
  bool seen[kMaxRank] = {};
  Shape out;
  out.rank = in.rank;
  for (int d = 0; d < in.rank; ++d) {
    const int32_t p = opt->perm[d];
    if (p < 0 || p >= in.rank || seen[p]) {
      return invalid("perm " + Shape::from_vector(opt->perm).to_string() +
                     " is not a permutation of 0.." + std::to_string(in.rank - 1));
    }
    seen[p] = true;
    out[d] = in[p];
  }
  output_shapes[0] = out;
  return Status::Ok();
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  const auto* opt = get_options<TransposeOptions>(op);
  const Shape& out = graph.tensors[op.outputs[0]].shape;
  int64_t in_strides[kMaxRank], out_strides[kMaxRank];
  operand_strides(graph, op, in_strides, out_strides);
  PlannedMove m;
  m.params.rank = out.rank;
  for (int d = 0; d < out.rank; ++d) {
    m.params.dims[d] = out[d];
    m.params.in_strides[d] = in_strides[opt->perm[d]];
    m.params.out_strides[d] = out_strides[d];
  }
  if (out.rank == 0) m.params = dense_copy(out);
  moves->push_back(m);
}

}  // namespace

LOWBIT_REGISTER_OP(Transpose, validate, create_moves<plan>)

}  // namespace lowbit
