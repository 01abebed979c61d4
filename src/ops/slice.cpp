// SLICE: size[d] elements of dimension d from begin[d]; size -1 takes the
// rest (SliceOptions; constants in TFLite, moved into options by the
// converter, see ops/data_movement_util.h). One strided copy.
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status slice_axes(const GraphDesc& graph, const OperatorDesc& op, std::vector<SliceAxis>* axes) {
  const auto* opt = get_options<SliceOptions>(op);
  if (!opt) return invalid("missing SliceOptions");
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  LOWBIT_RETURN_IF_ERROR(check_one_per_dimension(graph, op, opt->begin.size(), "begin"));
  LOWBIT_RETURN_IF_ERROR(check_one_per_dimension(graph, op, opt->size.size(), "size"));
  for (int d = 0; d < in.rank; ++d) {
    const int64_t begin = opt->begin[d];
    const int64_t size = opt->size[d] == -1 ? in[d] - begin : opt->size[d];
    if (begin < 0 || begin > in[d] || size < 0 || begin + size > in[d]) {
      return invalid("begin " + std::to_string(opt->begin[d]) + " and size " +
                     std::to_string(opt->size[d]) + " of dimension " + std::to_string(d) +
                     " are outside " + describe_input(graph, op, 0) + " shape " + in.to_string());
    }
    axes->push_back(SliceAxis{d, begin, 1, size});
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_single_move(graph, op));
  std::vector<SliceAxis> axes;
  LOWBIT_RETURN_IF_ERROR(slice_axes(graph, op, &axes));
  Shape out;
  out.rank = static_cast<int>(axes.size());
  for (size_t d = 0; d < axes.size(); ++d) out[static_cast<int>(d)] = static_cast<int32_t>(axes[d].count);
  output_shapes[0] = out;
  return Status::Ok();
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  std::vector<SliceAxis> axes;
  slice_axes(graph, op, &axes);  // validated at load
  PlannedMove m;
  m.params = slice_copy(graph.tensors[op.inputs[0]].shape, axes);
  moves->push_back(m);
}

}  // namespace

LOWBIT_REGISTER_OP(Slice, validate, create_moves<plan>)

}  // namespace lowbit
