// Helpers shared by ADD, SUB, MUL and the other operators of this group (the
// int8 activations, SOFTMAX, QUANTIZE, DEQUANTIZE, PAD, CONCATENATION,
// RESHAPE): NumPy broadcasting, splitting work into blocks for the thread
// pool, and the float32/int8/uint8 operand checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "kernels/reference/broadcast_runs.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {

// Elements per task when splitting work over threads. Tasks never share an
// output element, so results are identical for any thread count.
constexpr size_t kElementwiseBlock = 4096;

// Runs f(begin, end) over [0, n) in blocks, on the pool when n is large.
template <typename F>
void parallel_blocks(ThreadPool& pool, size_t n, size_t block, F&& f) {
  if (block == 0) block = 1;
  const size_t tasks = (n + block - 1) / block;
  if (tasks <= 1 || pool.num_threads() <= 1) {
    if (n > 0) f(size_t{0}, n);
    return;
  }
  pool.parallel_for(tasks, [&](size_t t) {
    const size_t begin = t * block;
    f(begin, begin + block < n ? begin + block : n);
  });
}

// NumPy broadcast of two shapes: trailing dimensions aligned, each pair equal
// or one of them 1. Error names both inputs.
Status broadcast_shape(const GraphDesc& graph, const OperatorDesc& op, Shape* out);

// The output as rows of `inner` elements (ref::BroadcastRuns), run in
// blocks on the thread pool.
class BroadcastPlan : public ref::BroadcastRuns {
 public:
  static_assert(lowbit::kMaxRank <= ref::BroadcastRuns::kMaxRank, "BroadcastRuns holds every rank");
  BroadcastPlan() = default;
  BroadcastPlan(const Shape& a, const Shape& b, const Shape& out)
      : ref::BroadcastRuns(a.dims, a.rank, b.dims, b.rank, out.dims, out.rank) {}

  // Calls f(out_offset, a_offset, b_offset, count) over the whole output,
  // split into blocks of about kElementwiseBlock elements on the pool.
  template <typename F>
  void run(ThreadPool& pool, F&& f) const {
    const size_t rows = this->rows(), inner = this->inner();
    const size_t sa = a_inner_stride(), sb = b_inner_stride();
    if (rows == 0 || inner == 0) return;
    // Long rows are cut into chunks; short rows are grouped.
    const size_t chunks_per_row = (inner + kElementwiseBlock - 1) / kElementwiseBlock;
    const size_t chunk = (inner + chunks_per_row - 1) / chunks_per_row;
    const size_t rows_per_task = inner >= kElementwiseBlock ? 1 : kElementwiseBlock / inner;
    auto do_rows = [&](size_t row_begin, size_t row_end, size_t col_begin, size_t col_end) {
      for (size_t r = row_begin; r < row_end; ++r) {
        size_t a_off = 0, b_off = 0;
        row_offsets(r, &a_off, &b_off);
        f(r * inner + col_begin, a_off + col_begin * sa, b_off + col_begin * sb,
          col_end - col_begin);
      }
    };
    if (chunks_per_row > 1) {
      parallel_blocks(pool, rows * chunks_per_row, 1, [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end; ++t) {
          const size_t r = t / chunks_per_row, c = t % chunks_per_row;
          const size_t col_end = (c + 1) * chunk < inner ? (c + 1) * chunk : inner;
          do_rows(r, r + 1, c * chunk, col_end);
        }
      });
    } else {
      parallel_blocks(pool, rows, rows_per_task,
                      [&](size_t begin, size_t end) { do_rows(begin, end, 0, inner); });
    }
  }
};

// The broadcast of inputs 0 and 1 onto output 0; fails naming the output when
// its shape is not that broadcast.
Status plan_broadcast(const PrepareContext& ctx, BroadcastPlan* plan);

// Operand checks for ops whose inputs and outputs all have one dtype out of
// `allowed` (per-tensor quantization for int8 and uint8). Returns it.
Status check_same_dtype_operands(const GraphDesc& graph, const OperatorDesc& op,
                                 std::initializer_list<DType> allowed, DType* dtype);

// The same, for int8 or float32.
Status check_int8_or_float_operands(const GraphDesc& graph, const OperatorDesc& op,
                                    DType* dtype);

// An int16 operand's zero point is 0, as TFLite's symmetric int16 kernels require.
Status check_symmetric_int16(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                             size_t i);

// The binary elementwise kernels run uint8 tensors as int8: zero points
// lowered by 128, bytes sign-flipped (kernels/reference/qs8_elementwise.h).
inline uint8_t sign_flip_of(DType dtype) { return dtype == DType::kUInt8 ? 0x80 : 0; }
inline int32_t int8_zero_point(const TensorDesc& t) {
  return t.quant.zero_points[0] - (t.dtype == DType::kUInt8 ? 128 : 0);
}

// ADD and SUB (defined in src/ops/add.cpp): one computation, TFLite's SUB being
// its ADD with b's multiplier negated; int8, uint8 and float32.
Status validate_add_or_sub(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes);
Result<std::unique_ptr<OpKernel>> create_add_or_sub(const GraphDesc& graph,
                                                    const OperatorDesc& op);

// Input 0 and output 0 have the same number of elements.
Status check_same_element_count(const PrepareContext& ctx);

// Validation of a one-input, one-output operator whose output has the input's
// shape and dtype, one of `allowed`.
Status validate_plain_unary(const GraphDesc& graph, const OperatorDesc& op,
                            std::initializer_list<DType> allowed, Shape* output_shapes);
// The same, for operands all int8 or all float32.
Status validate_int8_or_float_unary(const GraphDesc& graph, const OperatorDesc& op,
                                    Shape* output_shapes);

// A kernel applying fn(params, n, in, out) to blocks of a flat tensor.
// Subclasses fill params_ in prepare() and call choose().
template <typename In, typename Out, typename Params>
class UnaryElementwiseKernel : public OpKernel {
 public:
  using Fn = void (*)(const Params&, size_t, const In*, Out*);

  Status run(const RunContext& ctx) override {
    const In* in = ctx.input_as<In>(0);
    Out* out = ctx.output_as<Out>(0);
    parallel_blocks(ctx.pool(), count_, kElementwiseBlock,
                    [&](size_t begin, size_t end) { fn_(params_, end - begin, in + begin, out + begin); });
    return Status::Ok();
  }
  const char* name() const override { return name_; }

 protected:
  Status choose(const PrepareContext& ctx, const KernelFamily<Fn>& family) {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    const KernelVariant<Fn>& variant = ctx.selector().select(family);
    fn_ = variant.fn;
    name_ = variant.name;
    count_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    return Status::Ok();
  }

  Params params_{};

 private:
  Fn fn_ = nullptr;
  const char* name_ = "";
  size_t count_ = 0;
};

// What quantized ADD, SUB and MUL share once their parameters are set: the
// broadcast plan, the variant choice and the run loop over broadcast runs.
// T: the element type (int8_t, also for uint8 tensors; int16_t for 16x8).
template <typename Params, typename Fn, typename T = int8_t>
class BroadcastBinaryKernel : public OpKernel {
 public:
  Status run(const RunContext& ctx) override {
    const T* a = expanded_[0] ? expanded_[0] : ctx.input_as<T>(0);
    const T* b = expanded_[1] ? expanded_[1] : ctx.input_as<T>(1);
    T* out = ctx.output_as<T>(0);
    const size_t sa = plan_.a_inner_stride(), sb = plan_.b_inner_stride();
    plan_.run(ctx.pool(), [&](size_t o, size_t ia, size_t ib, size_t n) {
      fn_(p_, n, a + ia, sa, b + ib, sb, out + o);
    });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 protected:
  // Plans the broadcast of inputs 0 and 1 onto output 0 and picks a variant.
  Status plan_and_select(PrepareContext& ctx, const KernelFamily<Fn>& family) {
    LOWBIT_RETURN_IF_ERROR(plan_broadcast(ctx, &plan_));
    LOWBIT_RETURN_IF_ERROR(expand_short_constant_rows(ctx));
    const auto& variant = ctx.selector().select(family);
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Params p_{};

 private:
  // A constant broadcast in short rows (MoveNet subtracts a per-channel mean
  // from 192x192x3 pixels: 36,864 rows of 3) would cost a kernel call per
  // row. Stored once at the output's shape, it makes the operator one flat
  // run; the values, and so the results, are the same.
  Status expand_short_constant_rows(PrepareContext& ctx) {
    constexpr size_t kShortRow = 16, kMaxExpandedBytes = size_t(1) << 18;
    const size_t total = plan_.rows() * plan_.inner();
    if (plan_.inner() >= kShortRow || plan_.rows() < 2 || total * sizeof(T) > kMaxExpandedBytes) {
      return Status::Ok();
    }
    const int constant = ctx.input(1).is_constant() ? 1 : ctx.input(0).is_constant() ? 0 : -1;
    // The other input must be read at the output's shape (not broadcast).
    const Shape& out = ctx.output(0).shape;
    if (constant < 0 || ctx.input(1 - constant).shape.num_elements() != out.num_elements()) {
      return Status::Ok();
    }
    auto* expanded = static_cast<T*>(ctx.allocate_persistent(total * sizeof(T)));
    if (expanded == nullptr) return Status::Ok();  // keep the short rows
    const auto* values = static_cast<const T*>(ctx.input(constant).data);
    const size_t stride = constant == 1 ? plan_.b_inner_stride() : plan_.a_inner_stride();
    for (size_t r = 0; r < plan_.rows(); ++r) {
      size_t ia = 0, ib = 0;
      plan_.row_offsets(r, &ia, &ib);
      const T* row = values + (constant == 1 ? ib : ia);
      for (size_t i = 0; i < plan_.inner(); ++i) expanded[r * plan_.inner() + i] = row[i * stride];
    }
    expanded_[constant] = expanded;
    plan_ = BroadcastPlan(out, out, out);
    return Status::Ok();
  }

  BroadcastPlan plan_;
  const T* expanded_[2] = {nullptr, nullptr};
  Fn fn_ = nullptr;
  const char* name_ = "";
};

}  // namespace lowbit
