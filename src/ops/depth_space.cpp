// DEPTH_TO_SPACE and SPACE_TO_DEPTH on NHWC tensors with
// BlockSizeOptions::block_size b: [N,H,W,b*b*C] <-> [N,H*b,W*b,C], channel
// blocks in (row, column, channel) order as TFLite lays them out. Both are
// a 6-D transpose: one strided copy.
#include <string>

#include "ops/data_movement_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  const BlockSizeOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(single_move_options(graph, op, "BlockSizeOptions", &opt));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  const int64_t b = opt->block_size;
  if (b < 1 || b > 4096) return invalid("block_size " + std::to_string(b) + " must be in 1..4096");
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  Shape out = in;
  if (op.type == OpType::kDepthToSpace) {
    if (in[3] % (b * b) != 0) {
      return invalid(describe_input(graph, op, 0) + " has " + std::to_string(in[3]) +
                     " channels, not a multiple of block_size^2 = " + std::to_string(b * b));
    }
    if (int64_t{in[1]} * b > (int64_t{1} << 30) || int64_t{in[2]} * b > (int64_t{1} << 30)) {
      return invalid("the output of " + describe_input(graph, op, 0) + " is too large");
    }
    out[1] = static_cast<int32_t>(in[1] * b);
    out[2] = static_cast<int32_t>(in[2] * b);
    out[3] = static_cast<int32_t>(in[3] / (b * b));
  } else {
    if (in[1] % b != 0 || in[2] % b != 0) {
      return invalid(describe_input(graph, op, 0) + " height and width " + in.to_string() +
                     " are not multiples of block_size " + std::to_string(b));
    }
    if (int64_t{in[3]} * b * b > (int64_t{1} << 30)) {
      return invalid("the output of " + describe_input(graph, op, 0) + " is too large");
    }
    out[1] = static_cast<int32_t>(in[1] / b);
    out[2] = static_cast<int32_t>(in[2] / b);
    out[3] = static_cast<int32_t>(in[3] * b * b);
  }
  output_shapes[0] = out;
  return Status::Ok();
}

// Iterates the space-side tensor as [N, H, b, W, b, C] (its own dense order)
// and the depth-side tensor as [N, H, W, b, b, C] permuted to match.
void plan(const GraphDesc& graph, const OperatorDesc& op, std::vector<PlannedMove>* moves) {
  const bool to_space = op.type == OpType::kDepthToSpace;
  const Shape& depth = graph.tensors[to_space ? op.inputs[0] : op.outputs[0]].shape;
  const int64_t b = get_options<BlockSizeOptions>(op)->block_size;
  const int64_t n = depth[0], h = depth[1], w = depth[2], c = depth[3] / (b * b);
  const int64_t dims[6] = {n, h, b, w, b, c};
  const int64_t space[6] = {h * b * w * b * c, b * w * b * c, w * b * c, b * c, c, 1};
  const int64_t depth_side[6] = {h * w * b * b * c, w * b * b * c, b * c, b * b * c, c, 1};
  PlannedMove m;
  m.params.rank = 6;
  for (int d = 0; d < 6; ++d) {
    m.params.dims[d] = dims[d];
    m.params.in_strides[d] = to_space ? depth_side[d] : space[d];
    m.params.out_strides[d] = to_space ? space[d] : depth_side[d];
  }
  moves->push_back(m);
}

}  // namespace

LOWBIT_REGISTER_OP(DepthToSpace, validate, create_moves<plan>)
LOWBIT_REGISTER_OP(SpaceToDepth, validate, create_moves<plan>)

}  // namespace lowbit
