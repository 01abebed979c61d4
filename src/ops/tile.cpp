// TILE: dimension d repeated TileOptions::multiples[d] times (a constant in
// TFLite, moved into options by the converter, ops/data_movement_util.h).
// One strided copy over (repeat, element) pairs per dimension, where the
// repeat steps 0 elements in the input.
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  const TileOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(single_move_options(graph, op, "TileOptions", &opt));
  LOWBIT_RETURN_IF_ERROR(check_one_per_dimension(graph, op, opt->multiples.size(), "multiples"));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  Shape out = in;
  int64_t total = 1;
  for (int d = 0; d < in.rank; ++d) {
    const int64_t size = int64_t{in[d]} * opt->multiples[d];
    if (opt->multiples[d] < 0 || size > (int64_t{1} << 30)) {
      return invalid("multiples[" + std::to_string(d) + "] = " +
                     std::to_string(opt->multiples[d]) + " is negative or too large");
    }
    out[d] = static_cast<int32_t>(size);
    total *= size;
    if (total > (int64_t{1} << 40)) return invalid("the tiled output is too large");
  }
  output_shapes[0] = out;
  return Status::Ok();
}

void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const Shape& out = graph.tensors[op.outputs[0]].shape;
  int64_t in_strides[kMaxRank], out_strides[kMaxRank];
  operand_strides(graph, op, in_strides, out_strides);
  PlannedMove m;
  ref::StridedCopyParams& p = m.params;
  p.rank = in.rank > 0 ? 2 * in.rank : 1;
  p.dims[0] = 1;
  for (int d = 0; d < in.rank; ++d) {
    p.dims[2 * d] = out[d] / (in[d] > 0 ? in[d] : 1);  // the repeats
    p.in_strides[2 * d] = 0;
    p.out_strides[2 * d] = int64_t{in[d]} * out_strides[d];
    p.dims[2 * d + 1] = in[d];
    p.in_strides[2 * d + 1] = in_strides[d];
    p.out_strides[2 * d + 1] = out_strides[d];
  }
  moves->push_back(m);
}

}  // namespace

LOWBIT_REGISTER_OP(Tile, validate, create_moves<plan>)

}  // namespace lowbit
