// MEAN: [input, axes?] -> input reduced over the axes (MeanOptions.axes, or a
// constant int32 second input when the options list none); reduced dims kept
// as 1 with keep_dims. Quantized with TFLite Micro's integer algorithm.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kernels/qs8_mean.h"
#include "ops/conv2d_common.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// The int32 sum of raw values must not overflow: 255 * 2^23 < 2^31.
constexpr int64_t kMaxReducedCount = int64_t{1} << 23;

// Which input dimensions are reduced, validated and de-duplicated.
Status resolve_axes(const GraphDesc& graph, const OperatorDesc& op, bool reduced[kMaxRank]) {
  const auto* opt = get_options<MeanOptions>(op);
  if (!opt) return invalid("missing MeanOptions");
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

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 2, 1));
  LOWBIT_RETURN_IF_ERROR(check_int8_or_float_in_out(graph, op));
  bool reduced[kMaxRank];
  LOWBIT_RETURN_IF_ERROR(resolve_axes(graph, op, reduced));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
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
  if (graph.tensors[op.inputs[0]].dtype != DType::kFloat32 && count > kMaxReducedCount) {
    return Status(StatusCode::kUnsupported, "reducing " + std::to_string(count) +
                                                " elements per output of " +
                                                describe_input(graph, op, 0) +
                                                " could overflow the int32 sum");
  }
  output_shapes[0] = out;
  return Status::Ok();
}

class QuantizedMean : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    bool reduced[kMaxRank];
    LOWBIT_RETURN_IF_ERROR(resolve_axes(ctx.graph(), ctx.op(), reduced));
    const Shape& in = ctx.input(0).shape;
    size_t stride = 1;
    size_t strides[kMaxRank];
    for (int d = in.rank - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= size_t(in[d]);
    }
    outputs_ = 1;
    p_.count = 1;
    for (int d = 0; d < in.rank; ++d) {
      if (reduced[d]) {
        p_.reduced_dims[p_.reduced_rank] = in[d];
        p_.reduced_strides[p_.reduced_rank++] = strides[d];
        p_.count *= in[d];
      } else {
        p_.kept_dims[p_.kept_rank] = in[d];
        p_.kept_strides[p_.kept_rank++] = strides[d];
        outputs_ *= size_t(in[d]);
      }
    }
    const TensorDesc& input = ctx.input(0);
    const TensorDesc& output = ctx.output(0);
    const float in_scale = input.quant.scales[0];
    const float out_scale = output.quant.scales[0];
    p_.input_zero_point = input.quant.zero_points[0];
    p_.output_zero_point = output.quant.zero_points[0];
    quantized_activation_range(Activation::kNone, out_scale, p_.output_zero_point, output.dtype,
                               &p_.act_min, &p_.act_max);
    p_.profile = ctx.profile();
    const ref::QuantizedMultiplier ratio = ref::quantize_multiplier(
        static_cast<double>(in_scale) / static_cast<double>(out_scale),
        ctx.profile() == RequantProfile::kSingleRounding);
    const ref::QuantizedMultiplier folded = ref::fold_mean_count(ratio, p_.count);
    p_.requantizer.multiplier = folded.multiplier;
    p_.requantizer.shift = folded.shift;
    p_.requantizer.scale = in_scale / (out_scale * static_cast<float>(p_.count));

    is_uint8_ = input.dtype == DType::kUInt8;
    if (is_uint8_) {
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
    // Threads take whole runs of the innermost kept dimension (the channels
    // of a spatial mean), which the SIMD kernels vectorise.
    const size_t run = p_.kept_rank > 0 ? static_cast<size_t>(p_.kept_dims[p_.kept_rank - 1]) : 1;
    const size_t runs = run == 0 ? 0 : outputs_ / run;
    if (is_uint8_) {
      const auto* input = ctx.input_as<uint8_t>(0);
      auto* output = ctx.output_as<uint8_t>(0);
      run_rows(ctx.pool(), runs, [&](size_t begin, size_t end) {
        qu8_(p_, input, output, begin * run, end * run);
      });
    } else {
      const auto* input = ctx.input_as<int8_t>(0);
      auto* output = ctx.output_as<int8_t>(0);
      run_rows(ctx.pool(), runs, [&](size_t begin, size_t end) {
        qs8_(p_, input, output, begin * run, end * run);
      });
    }
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  ref::MeanQuantParams p_;
  size_t outputs_ = 0;
  bool is_uint8_ = false;
  ref::Qs8MeanFn qs8_ = nullptr;
  ref::Qu8MeanFn qu8_ = nullptr;
  const char* name_ = "qs8_mean__reference";
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return create_float_kernel(graph, op);
  }
  return std::unique_ptr<OpKernel>(new QuantizedMean());
}

}  // namespace

LOWBIT_REGISTER_OP(Mean, validate, create)

}  // namespace lowbit
