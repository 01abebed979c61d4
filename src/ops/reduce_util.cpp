#include "ops/reduce_util.h"

#include <algorithm>
#include <string>
#include <vector>

#include "kernels/qs8_mean.h"
#include "kernels/reduce.h"
#include "ops/conv2d_common.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// The int32 sum of raw 8-bit values must not overflow: 255 * 2^23 < 2^31;
// int16 values: 2^15 * 2^16 = 2^31, so fewer than 2^16 of them.
constexpr int64_t kMaxQuantizedCount = int64_t{1} << 23;
constexpr int64_t kMaxInt16Count = int64_t{1} << 16;

// Fills the kept/reduced geometry of ref::ReduceParams or ref::MeanQuantParams;
// returns the number of output elements. Dimensions of size 1 are left out
// and neighbouring dimensions that are both kept or both reduced merge into
// one (the input is row-major, so the merged one enumerates the same elements
// in the same order): a spatial reduction becomes one reduced dimension and
// the SIMD kernels see the longest contiguous runs.
size_t fill_geometry(const Shape& in, const bool reduced[kMaxRank], ref::ReduceGeometry* p) {
  size_t outputs = 1;
  p->kept_rank = p->reduced_rank = 0;
  p->count = 1;
  bool last_reduced = false;
  for (int d = in.rank - 1; d >= 0; --d) {  // innermost first, reversed below
    if (in[d] == 1) continue;
    int32_t* rank = reduced[d] ? &p->reduced_rank : &p->kept_rank;
    int32_t* dims = reduced[d] ? p->reduced_dims : p->kept_dims;
    size_t* strides = reduced[d] ? p->reduced_strides : p->kept_strides;
    const bool first = p->kept_rank + p->reduced_rank == 0;
    if (reduced[d]) {
      p->count *= in[d];
    } else {
      outputs *= size_t(in[d]);
    }
    if (!first && reduced[d] == last_reduced) {
      dims[*rank - 1] *= in[d];  // the inner dimension's stride stays
      continue;
    }
    size_t stride = 1;
    for (int e = d + 1; e < in.rank; ++e) stride *= size_t(in[e]);
    dims[*rank] = in[d];
    strides[(*rank)++] = stride;
    last_reduced = reduced[d];
  }
  std::reverse(p->kept_dims, p->kept_dims + p->kept_rank);
  std::reverse(p->kept_strides, p->kept_strides + p->kept_rank);
  std::reverse(p->reduced_dims, p->reduced_dims + p->reduced_rank);
  std::reverse(p->reduced_strides, p->reduced_strides + p->reduced_rank);
  return outputs;
}

// Threads take whole runs of the innermost kept dimension (the channels of a
// spatial mean), which SIMD kernels vectorise, or pieces of kOutputsPerTask
// (a multiple of every vector width) of a longer one.
constexpr size_t kOutputsPerTask = 1024;
template <typename Fn>
void run_outputs(ThreadPool& pool, const ref::ReduceGeometry& p, size_t outputs, const Fn& fn) {
  const size_t run = p.kept_rank > 0 ? static_cast<size_t>(p.kept_dims[p.kept_rank - 1]) : 1;
  const size_t task = std::min(run, kOutputsPerTask);
  run_rows(pool, (outputs + task - 1) / task,
           [&](size_t begin, size_t end) { fn(begin * task, std::min(end * task, outputs)); });
}

class PlainReduce : public OpKernel {
 public:
  explicit PlainReduce(ref::ReduceKind kind) { p_.kind = kind; }

  Status prepare(PrepareContext& ctx) override {
    bool reduced[kMaxRank];
    LOWBIT_RETURN_IF_ERROR(resolve_reduce_axes(ctx.graph(), ctx.op(), reduced));
    const Shape& in = ctx.input(0).shape;
    p_.dtype = ctx.input(0).dtype;
    outputs_ = fill_geometry(in, reduced, &p_);
    // TFLite's rule looks at the input's dimensions, size-1 ones included.
    p_.start_with_first = in.rank > 0 && std::all_of(reduced, reduced + in.rank, [](bool r) { return r; });
    const auto& variant = ctx.selector().select(reduce_variants());
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const void* input = ctx.input(0);
    void* output = ctx.output(0);
    run_outputs(ctx.pool(), p_, outputs_, [&](size_t begin, size_t end) {
      fn_(p_, input, output, begin, end);
    });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  ref::ReduceParams p_;
  ref::ReduceFn fn_ = nullptr;
  const char* name_ = "reduce__reference";
  size_t outputs_ = 0;
};

class QuantizedMeanOrSum : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    bool reduced[kMaxRank];
    LOWBIT_RETURN_IF_ERROR(resolve_reduce_axes(ctx.graph(), ctx.op(), reduced));
    outputs_ = fill_geometry(ctx.input(0).shape, reduced, &p_);
    const TensorDesc& input = ctx.input(0);
    const TensorDesc& output = ctx.output(0);
    const float in_scale = input.quant.scales[0];
    const float out_scale = output.quant.scales[0];
    p_.input_zero_point = input.quant.zero_points[0];
    p_.output_zero_point = output.quant.zero_points[0];
    // LiteRT's reference SUM reads and clamps int8 bytes as uint8 (so an int8
    // SUM's values 128..255 stand for -128..-1 only after the output cast).
    const bool mean = ctx.op().type == OpType::kMean;
    is_uint8_ = input.dtype == DType::kUInt8 || !mean;
    is_int16_ = input.dtype == DType::kInt16;
    quantized_activation_range(Activation::kNone, out_scale, p_.output_zero_point,
                               is_uint8_ ? DType::kUInt8 : output.dtype, &p_.act_min, &p_.act_max);
    // XNNPACK has no int16 MEAN: LiteRT runs TFLite's kernel for it.
    p_.profile = is_int16_ && ctx.profile() == RequantProfile::kXnnpackFp32
                     ? RequantProfile::kSingleRounding
                     : ctx.profile();
    ref::QuantizedMultiplier ratio = ref::quantize_multiplier(
        static_cast<double>(in_scale) / static_cast<double>(out_scale),
        p_.profile == RequantProfile::kSingleRounding);
    // MEAN divides by the count inside the multiplier; SUM keeps the ratio.
    if (mean) ratio = ref::fold_mean_count(ratio, p_.count);
    p_.requantizer.multiplier = ratio.multiplier;
    p_.requantizer.shift = ratio.shift;
    p_.requantizer.scale = in_scale / (out_scale * (mean ? static_cast<float>(p_.count) : 1.0f));

    if (is_int16_) {
      const auto& v = ctx.selector().select(qs16_mean_variants());
      qs16_ = v.fn;
      name_ = v.name;
    } else if (is_uint8_) {
      const auto& v = ctx.selector().select(qu8_mean_variants());
      qu8_ = v.fn;
      name_ = v.name;
    } else {
      const auto& v = ctx.selector().select(qs8_mean_variants());
      qs8_ = v.fn;
      name_ = v.name;
    }
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    if (is_int16_) {
      const auto* input = ctx.input_as<int16_t>(0);
      auto* output = ctx.output_as<int16_t>(0);
      run_outputs(ctx.pool(), p_, outputs_,
                  [&](size_t begin, size_t end) { qs16_(p_, input, output, begin, end); });
    } else if (is_uint8_) {
      const auto* input = static_cast<const uint8_t*>(ctx.input(0));
      auto* output = static_cast<uint8_t*>(ctx.output(0));
      run_outputs(ctx.pool(), p_, outputs_,
                  [&](size_t begin, size_t end) { qu8_(p_, input, output, begin, end); });
    } else {
      const auto* input = ctx.input_as<int8_t>(0);
      auto* output = ctx.output_as<int8_t>(0);
      run_outputs(ctx.pool(), p_, outputs_,
                  [&](size_t begin, size_t end) { qs8_(p_, input, output, begin, end); });
    }
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  ref::MeanQuantParams p_;
  size_t outputs_ = 0;
  bool is_uint8_ = false;
  bool is_int16_ = false;
  ref::Qs8MeanFn qs8_ = nullptr;
  ref::Qs16MeanFn qs16_ = nullptr;
  ref::Qu8MeanFn qu8_ = nullptr;
  const char* name_ = "qs8_mean__reference";
};

}  // namespace

Status resolve_reduce_axes(const GraphDesc& graph, const OperatorDesc& op, bool reduced[kMaxRank]) {
  const MeanOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  std::vector<int32_t> axes = opt->axes;
  if (axes.empty() && op.inputs.size() > 1 && op.inputs[1] != kAbsentInput) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1, {DType::kInt32}));
    LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, 1));
    const TensorDesc& t = graph.tensors[op.inputs[1]];
    const int64_t n = t.shape.num_elements();
    if (n < 0 || size_t(n) * sizeof(int32_t) > t.data_bytes) {
      return invalid(describe_input(graph, op, 1) + " holds fewer axes than its shape says");
    }
    const auto* values = static_cast<const int32_t*>(t.data);
    axes.assign(values, values + n);
  }
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  std::fill(reduced, reduced + kMaxRank, false);
  for (int32_t axis : axes) {
    if (axis < -in.rank || axis >= in.rank) {
      return invalid("axis " + std::to_string(axis) + " is out of range for " +
                     describe_input(graph, op, 0) + " of rank " + std::to_string(in.rank));
    }
    reduced[axis < 0 ? axis + in.rank : axis] = true;
  }
  return Status::Ok();
}

Status validate_reduce(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes,
                       std::initializer_list<DType> dtypes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 2, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, dtypes));
  const TensorDesc& input = graph.tensors[op.inputs[0]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {input.dtype}));
  const bool quantized =
      input.dtype == DType::kInt8 || input.dtype == DType::kUInt8 || input.dtype == DType::kInt16;
  if (quantized) {
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  }
  bool reduced[kMaxRank];
  LOWBIT_RETURN_IF_ERROR(resolve_reduce_axes(graph, op, reduced));
  const Shape& in = input.shape;
  const bool keep_dims = get_options<MeanOptions>(op)->keep_dims;
  Shape out;
  int64_t count = 1;
  for (int d = 0; d < in.rank; ++d) {
    if (in[d] < 1) {
      return invalid(describe_input(graph, op, 0) + " has empty shape " + in.to_string());
    }
    if (reduced[d]) count *= in[d];
    if (!reduced[d] || keep_dims) out.dims[out.rank++] = reduced[d] ? 1 : in[d];
  }
  const int64_t limit = input.dtype == DType::kInt16 ? kMaxInt16Count
                        : quantized                   ? kMaxQuantizedCount
                                                      : int64_t{1} << 31;
  if (count >= limit) {
    return Status(StatusCode::kUnsupported,
                  "reducing " + std::to_string(count) + " elements per output of " +
                      describe_input(graph, op, 0) + " could overflow the sum");
  }
  output_shapes[0] = out;
  return Status::Ok();
}

std::unique_ptr<OpKernel> plain_reduce_kernel(ref::ReduceKind kind) {
  return std::make_unique<PlainReduce>(kind);
}

std::unique_ptr<OpKernel> quantized_mean_or_sum_kernel() {
  return std::make_unique<QuantizedMeanOrSum>();
}

}  // namespace lowbit
