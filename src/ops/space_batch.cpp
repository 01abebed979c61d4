// SPACE_TO_BATCH_ND: [input, block_shape, paddings] and BATCH_TO_SPACE_ND:
// [input, block_shape, crops], as TFLite: a 4-D NHWC input (or 3-D NHC, one
// spatial dimension), block_shape a constant int32 [M] (M = rank - 2, each
// >= 1), paddings/crops a constant int32 [M, 2] (>= 0). Any byte-sized dtype;
// int8/uint8 keep their quantization and pad with the zero point. The
// numerics are kernels/reference/space_batch.h.
#include <string>
#include <vector>

#include "kernels/reference/space_batch.h"
#include "ops/add_elementwise_util.h"
#include "ops/data_movement_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

// The constant int32 operand `i` holding exactly `count` values.
Status constant_ints(const GraphDesc& graph, const OperatorDesc& op, size_t i, int64_t count,
                     const char* what, std::vector<int32_t>* values) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {DType::kInt32}));
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, i));
  const TensorDesc& t = graph.tensors[op.inputs[i]];
  if (t.shape.num_elements() != count || t.data_bytes < size_t(count) * sizeof(int32_t)) {
    return invalid(std::string(what) + " " + describe_input(graph, op, i) + " has shape " +
                   t.shape.to_string() + ", expected " + std::to_string(count) + " values");
  }
  const auto* data = static_cast<const int32_t*>(t.data);
  values->assign(data, data + count);
  return Status::Ok();
}

// The geometry of a validated operator (3-D inputs as width 1).
Status geometry(const GraphDesc& graph, const OperatorDesc& op, ref::SpaceBatchParams* p,
                Shape* output) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 3, 3, 1));
  LOWBIT_RETURN_IF_ERROR(check_movable(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_moved_unchanged(graph, op, 0, 0));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  if (in.rank != 3 && in.rank != 4) {
    return invalid(describe_input(graph, op, 0) + " has rank " + std::to_string(in.rank) +
                   ", expected 3 or 4");
  }
  const int spatial = in.rank - 2;
  const bool to_batch = op.type == OpType::kSpaceToBatchNd;
  std::vector<int32_t> block, edges;
  LOWBIT_RETURN_IF_ERROR(constant_ints(graph, op, 1, spatial, "block_shape", &block));
  LOWBIT_RETURN_IF_ERROR(
      constant_ints(graph, op, 2, 2 * spatial, to_batch ? "paddings" : "crops", &edges));
  for (int d = 0; d < in.rank; ++d) {
    if (in[d] < 1) return invalid(describe_input(graph, op, 0) + " has empty shape " + in.to_string());
  }
  *output = in;
  int64_t blocks = 1;
  int64_t sizes[2] = {1, 1}, befores[2] = {0, 0};
  for (int d = 0; d < spatial; ++d) {
    const int64_t b = block[d], before = edges[2 * d], after = edges[2 * d + 1];
    if (b < 1 || b > 4096) return invalid("block_shape " + std::to_string(b) + " must be in 1..4096");
    if (before < 0 || after < 0) {
      return invalid(std::string(to_batch ? "paddings" : "crops") + " must not be negative");
    }
    const int64_t size = in[1 + d];
    int64_t out;
    if (to_batch) {
      if ((size + before + after) % b != 0) {
        return invalid("padded dimension " + std::to_string(1 + d) + " of " +
                       describe_input(graph, op, 0) + " (" + std::to_string(size + before + after) +
                       ") is not a multiple of block_shape " + std::to_string(b));
      }
      out = (size + before + after) / b;
    } else {
      out = size * b - before - after;
      if (out < 1) {
        return invalid("crops " + std::to_string(before) + "+" + std::to_string(after) +
                       " leave nothing of dimension " + std::to_string(1 + d));
      }
    }
    if (out > (int64_t{1} << 30)) return invalid("the output is too large");
    (*output)[1 + d] = static_cast<int32_t>(out);
    sizes[d] = b;
    befores[d] = before;
    blocks *= b;
  }
  if (!to_batch && in[0] % blocks != 0) {
    return invalid(describe_input(graph, op, 0) + " batch " + std::to_string(in[0]) +
                   " is not a multiple of the block count " + std::to_string(blocks));
  }
  const int64_t out_batch = to_batch ? in[0] * blocks : in[0] / blocks;
  if (out_batch > (int64_t{1} << 30)) return invalid("the output batch is too large");
  (*output)[0] = static_cast<int32_t>(out_batch);
  const TensorDesc& input = graph.tensors[op.inputs[0]];
  p->to_batch = to_batch;
  p->element_size = element_bytes(input.dtype);
  p->batch = to_batch ? in[0] : out_batch;
  p->channels = in[in.rank - 1];
  p->out_batch = out_batch;
  p->in_height = in[1];
  p->in_width = in.rank == 4 ? in[2] : 1;
  p->out_height = (*output)[1];
  p->out_width = in.rank == 4 ? (*output)[2] : 1;
  p->block_h = sizes[0];
  p->block_w = sizes[1];
  p->before_h = befores[0];
  p->before_w = befores[1];
  const bool quantized = input.dtype == DType::kInt8 || input.dtype == DType::kUInt8;
  p->pad_byte = quantized ? static_cast<uint8_t>(input.quant.zero_points[0]) : 0;
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  ref::SpaceBatchParams p;
  return geometry(graph, op, &p, &output_shapes[0]);
}

class SpaceBatch : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    Shape out;
    LOWBIT_RETURN_IF_ERROR(geometry(ctx.graph(), ctx.op(), &p_, &out));
    const size_t row = static_cast<size_t>(p_.out_width * p_.channels);
    rows_per_task_ = row >= kElementwiseBlock ? 1 : kElementwiseBlock / row;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const void* in = ctx.input(0);
    void* out = ctx.output(0);
    parallel_blocks(ctx.pool(), static_cast<size_t>(p_.out_batch * p_.out_height), rows_per_task_,
                    [&](size_t begin, size_t end) {
                      ref::space_batch__reference(p_, in, out, begin, end);
                    });
    return Status::Ok();
  }

  const char* name() const override { return "space_batch__reference"; }

 private:
  ref::SpaceBatchParams p_;
  size_t rows_per_task_ = 1;
};

}  // namespace

LOWBIT_REGISTER_OP(SpaceToBatchNd, validate, create_kernel<SpaceBatch>)
LOWBIT_REGISTER_OP(BatchToSpaceNd, validate, create_kernel<SpaceBatch>)

}  // namespace lowbit
