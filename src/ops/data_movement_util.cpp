#include "ops/data_movement_util.h"

#include <string>

#include "ops/add_elementwise_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {

Status check_movable(const GraphDesc& graph, const OperatorDesc& op, bool is_input, size_t i) {
  return check_dtype(graph, op, is_input, i,
                     {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt16, DType::kInt32,
                      DType::kInt64, DType::kBool});
}

Status check_moved_unchanged(const GraphDesc& graph, const OperatorDesc& op, size_t input,
                             size_t output) {
  const TensorDesc& in = graph.tensors[op.inputs[input]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, output, {in.dtype}));
  if (in.dtype != DType::kInt8 && in.dtype != DType::kUInt8 && in.dtype != DType::kInt16) {
    return Status::Ok();
  }
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, input));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, output));
  const TensorDesc& out = graph.tensors[op.outputs[output]];
  if (in.quant.scales[0] != out.quant.scales[0] ||
      in.quant.zero_points[0] != out.quant.zero_points[0]) {
    return invalid(describe_output(graph, op, output) + " quantization (scale " +
                   std::to_string(out.quant.scales[0]) + ", zero point " +
                   std::to_string(out.quant.zero_points[0]) + ") differs from " +
                   describe_input(graph, op, input) + " (scale " +
                   std::to_string(in.quant.scales[0]) + ", zero point " +
                   std::to_string(in.quant.zero_points[0]) + ")");
  }
  return Status::Ok();
}

Status check_single_move(const GraphDesc& graph, const OperatorDesc& op) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_movable(graph, op, true, 0));
  return check_moved_unchanged(graph, op, 0, 0);
}

Status check_one_per_dimension(const GraphDesc& graph, const OperatorDesc& op, size_t entries,
                               const char* what) {
  const int rank = graph.tensors[op.inputs[0]].shape.rank;
  if (entries == static_cast<size_t>(rank)) return Status::Ok();
  return invalid(std::string(what) + " has " + std::to_string(entries) + " entries; " +
                 describe_input(graph, op, 0) + " has rank " + std::to_string(rank));
}

Status resolve_axis(int32_t axis, int rank, const char* what, int* resolved) {
  if (axis < -rank || axis >= rank) {
    return invalid(std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
                   std::to_string(rank));
  }
  *resolved = axis < 0 ? axis + rank : axis;
  return Status::Ok();
}

void dense_strides(const Shape& shape, int64_t* strides) {
  int64_t stride = 1;
  for (int d = shape.rank - 1; d >= 0; --d) {
    strides[d] = stride;
    stride *= shape[d];
  }
}

void operand_strides(const GraphDesc& graph, const OperatorDesc& op, int64_t* in_strides,
                     int64_t* out_strides) {
  dense_strides(graph.tensors[op.inputs[0]].shape, in_strides);
  dense_strides(graph.tensors[op.outputs[0]].shape, out_strides);
}

ref::StridedCopyParams dense_copy(const Shape& shape) {
  ref::StridedCopyParams p;
  p.dims[0] = shape.num_elements();
  p.in_strides[0] = p.out_strides[0] = 1;
  return p;
}

ref::StridedCopyParams slice_copy(const Shape& in, const std::vector<SliceAxis>& axes) {
  int64_t in_strides[kMaxRank];
  dense_strides(in, in_strides);
  ref::StridedCopyParams p;
  p.rank = axes.empty() ? 1 : static_cast<int>(axes.size());
  p.dims[0] = 1;
  int64_t out_stride = 1;
  for (int d = static_cast<int>(axes.size()) - 1; d >= 0; --d) {
    const SliceAxis& a = axes[d];
    p.dims[d] = a.count;
    p.out_strides[d] = out_stride;
    out_stride *= a.count;
    if (a.input_dim < 0) continue;  // a new axis: one element, no input step
    p.in_strides[d] = a.step * in_strides[a.input_dim];
    p.in_offset += a.start * in_strides[a.input_dim];
  }
  return p;
}

namespace {

struct Move {
  PlannedMove planned;
  size_t rows = 0;
  size_t rows_per_task = 1;
};

// Elements per row when one long row is cut so threads can share it.
constexpr int64_t kRowChunk = 16 * static_cast<int64_t>(kElementwiseBlock);

Move make_move(const PlannedMove& planned, size_t element_size) {
  Move m;
  m.planned = planned;
  m.planned.params.element_size = element_size;
  m.rows = ref::simplify_strided_copy(&m.planned.params);
  const ref::StridedCopyParams& s = m.planned.params;
  const size_t row_elements = static_cast<size_t>(s.dims[s.rank - 1]);
  m.rows_per_task = row_elements >= kElementwiseBlock ? 1 : kElementwiseBlock / (row_elements + 1);
  return m;
}

// A copy that simplified to one long row (SQUEEZE, EXPAND_DIMS, slices of
// whole rows) as rows of kRowChunk elements plus the remainder, so that
// several threads copy it.
void add_move(const PlannedMove& planned, size_t element_size, std::vector<Move>* moves) {
  Move m = make_move(planned, element_size);
  ref::StridedCopyParams& s = m.planned.params;
  const int64_t n = s.dims[0];
  if (s.rank != 1 || n < 2 * kRowChunk) {
    moves->push_back(m);
    return;
  }
  Move tail = m;
  const int64_t rows = n / kRowChunk;
  s.rank = 2;
  s.dims[0] = rows;
  s.dims[1] = kRowChunk;
  s.in_strides[1] = s.in_strides[0];
  s.out_strides[1] = s.out_strides[0];
  s.in_strides[0] *= kRowChunk;
  s.out_strides[0] *= kRowChunk;
  m.rows = static_cast<size_t>(rows);
  m.rows_per_task = 1;
  moves->push_back(m);
  if (n == rows * kRowChunk) return;
  tail.planned.params.dims[0] = n - rows * kRowChunk;
  tail.planned.params.in_offset += rows * kRowChunk * tail.planned.params.in_strides[0];
  tail.planned.params.out_offset += rows * kRowChunk * tail.planned.params.out_strides[0];
  moves->push_back(tail);
}

class MoveKernel : public OpKernel {
 public:
  explicit MoveKernel(PlanMovesFn plan) : plan_(plan) {}

  Status prepare(PrepareContext& ctx) override {
    std::vector<PlannedMove> planned;
    plan_(ctx.graph(), ctx.op(), &planned);
    const size_t element_size = element_bytes(ctx.output(0).dtype);
    for (const PlannedMove& p : planned) add_move(p, element_size, &moves_);
    const auto& variant = ctx.selector().select(move_strided_variants());
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    for (const Move& m : moves_) {
      const void* in = ctx.input(m.planned.input);
      void* out = ctx.output(m.planned.output);
      parallel_blocks(ctx.pool(), m.rows, m.rows_per_task,
                      [&](size_t begin, size_t end) { fn_(m.planned.params, in, out, begin, end); });
    }
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  PlanMovesFn plan_;
  std::vector<Move> moves_;  // filled by prepare(); run() does not allocate
  ref::StridedCopyFn fn_ = nullptr;
  const char* name_ = "";
};

}  // namespace

Result<std::unique_ptr<OpKernel>> create_move_kernel(PlanMovesFn plan) {
  return std::unique_ptr<OpKernel>(new MoveKernel(plan));
}

}  // namespace lowbit
