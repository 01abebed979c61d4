// SQUEEZE (SqueezeOptions::axes, each of size 1; none = every size-1
// dimension) and EXPAND_DIMS (a size-1 dimension at AxisOptions::axis, in
// [-(rank+1), rank]; TFLite's axis tensor is a constant moved into options by
// the converter). The elements keep their order: one contiguous copy.
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status squeezed_shape(const GraphDesc& graph, const OperatorDesc& op, Shape* out) {
  const auto* opt = get_options<SqueezeOptions>(op);
  if (!opt) return invalid("missing SqueezeOptions");
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  bool drop[kMaxRank] = {};
  for (int32_t a : opt->axes) {
    int axis = 0;
    LOWBIT_RETURN_IF_ERROR(resolve_axis(a, in.rank, "axis", &axis));
    if (in[axis] != 1) {
      return invalid("axis " + std::to_string(a) + " of " + describe_input(graph, op, 0) +
                     " shape " + in.to_string() + " has size " + std::to_string(in[axis]) +
                     ", not 1");
    }
    drop[axis] = true;
  }
  for (int d = 0; d < in.rank; ++d) {
    if (opt->axes.empty() ? in[d] != 1 : !drop[d]) out->dims[out->rank++] = in[d];
  }
  return Status::Ok();
}

Status expanded_shape(const GraphDesc& graph, const OperatorDesc& op, Shape* out) {
  const auto* opt = get_options<AxisOptions>(op);
  if (!opt) return invalid("missing AxisOptions");
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  if (in.rank >= kMaxRank) {
    return invalid(describe_input(graph, op, 0) + " has rank " + std::to_string(in.rank) +
                   "; one more dimension would exceed rank " + std::to_string(kMaxRank));
  }
  int axis = 0;
  LOWBIT_RETURN_IF_ERROR(resolve_axis(opt->axis, in.rank + 1, "axis", &axis));
  out->rank = in.rank + 1;
  for (int d = 0, s = 0; d < out->rank; ++d) (*out)[d] = d == axis ? 1 : in[s++];
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_single_move(graph, op));
  return op.type == OpType::kSqueeze ? squeezed_shape(graph, op, &output_shapes[0])
                                     : expanded_shape(graph, op, &output_shapes[0]);
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  PlannedMove m;
  m.params = dense_copy(graph.tensors[op.inputs[0]].shape);
  moves->push_back(m);
}

}  // namespace

LOWBIT_REGISTER_OP(Squeeze, validate, create_moves<plan>)
LOWBIT_REGISTER_OP(ExpandDims, validate, create_moves<plan>)

}  // namespace lowbit
