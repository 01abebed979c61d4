// SPLIT and SPLIT_V: the input cut along SplitOptions::axis into one part per
// output. SPLIT makes equal parts (size_splits empty); SPLIT_V takes one size
// per output from size_splits, where one -1 stands for the rest. TFLite's
// axis and size_splits tensors are constants moved into options by the
// converter (ops/data_movement_util.h). One strided copy per output.
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status part_sizes(const GraphDesc& graph, const OperatorDesc& op, int* axis,
                  std::vector<int64_t>* sizes) {
  const auto* opt = get_options<SplitOptions>(op);
  if (!opt) return invalid("missing SplitOptions");
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  LOWBIT_RETURN_IF_ERROR(resolve_axis(opt->axis, in.rank, "axis", axis));
  const int64_t dim = in[*axis];
  const size_t parts = op.outputs.size();
  if (op.type == OpType::kSplit) {
    if (!opt->size_splits.empty()) return invalid("SPLIT takes no size_splits (SPLIT_V does)");
    if (dim % static_cast<int64_t>(parts) != 0) {
      return invalid("dimension " + std::to_string(*axis) + " of " + describe_input(graph, op, 0) +
                     " (" + std::to_string(dim) + ") does not split into " +
                     std::to_string(parts) + " equal parts");
    }
    sizes->assign(parts, dim / static_cast<int64_t>(parts));
    return Status::Ok();
  }
  if (opt->size_splits.size() != parts) {
    return invalid("size_splits has " + std::to_string(opt->size_splits.size()) +
                   " entries for " + std::to_string(parts) + " outputs");
  }
  int64_t known = 0;
  int rest = -1;
  for (size_t i = 0; i < parts; ++i) {
    const int32_t s = opt->size_splits[i];
    if (s == -1 && rest < 0) {
      rest = static_cast<int>(i);
    } else if (s < 0) {
      return invalid("size_splits " + Shape::from_vector(opt->size_splits).to_string() +
                     " may hold one -1 and otherwise sizes >= 0");
    } else {
      known += s;
    }
    sizes->push_back(s);
  }
  if (rest >= 0 && known <= dim) (*sizes)[rest] = dim - known;
  if ((rest >= 0 && known > dim) || (rest < 0 && known != dim)) {
    return invalid("size_splits " + Shape::from_vector(opt->size_splits).to_string() +
                   " do not add up to dimension " + std::to_string(*axis) + " of " +
                   describe_input(graph, op, 0) + " (" + std::to_string(dim) + ")");
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  if (op.outputs.empty()) return invalid("expects at least 1 output, has 0");
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, op.outputs.size()));
  LOWBIT_RETURN_IF_ERROR(check_movable(graph, op, true, 0));
  int axis = 0;
  std::vector<int64_t> sizes;
  LOWBIT_RETURN_IF_ERROR(part_sizes(graph, op, &axis, &sizes));
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    LOWBIT_RETURN_IF_ERROR(check_moved_unchanged(graph, op, 0, i));
    output_shapes[i] = graph.tensors[op.inputs[0]].shape;
    output_shapes[i][axis] = static_cast<int32_t>(sizes[i]);
  }
  return Status::Ok();
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  int axis = 0;
  std::vector<int64_t> sizes;
  (void)part_sizes(graph, op, &axis, &sizes);  // validated at load
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  int64_t start = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::vector<SliceAxis> axes;
    for (int d = 0; d < in.rank; ++d) {
      axes.push_back(d == axis ? SliceAxis{d, start, 1, sizes[i]} : SliceAxis{d, 0, 1, in[d]});
    }
    PlannedMove m;
    m.output = i;
    m.params = slice_copy(in, axes);
    moves->push_back(m);
    start += sizes[i];
  }
}

}  // namespace

LOWBIT_REGISTER_OP(Split, validate, create_moves<plan>)
LOWBIT_REGISTER_OP(SplitV, validate, create_moves<plan>)

}  // namespace lowbit
