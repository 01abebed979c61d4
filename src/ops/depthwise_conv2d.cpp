// DEPTHWISE_CONV_2D: [input NHWC, filter 1xKHxKWx(C*M), bias?] -> output NHWC
// with C*M channels; output channel c*M + m reads input channel c.
#include <memory>
#include <string>

#include "kernels/qs8_conv.h"
#include "ops/conv2d_common.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"
#include "ops/drivers/qs8_dwconv_driver.h"

namespace lowbit {
namespace {

struct Geometry {
  PaddedDim h, w;
};

Status compute_geometry(const GraphDesc& graph, const OperatorDesc& op,
                        const DepthwiseConv2DOptions& opt, Geometry* g) {
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const Shape& filter = graph.tensors[op.inputs[1]].shape;
  for (int d = 0; d < 4; ++d) {
    if (in[d] < 1) return invalid(describe_input(graph, op, 0) + " has empty shape " + in.to_string());
    if (filter[d] < 1) {
      return invalid(describe_input(graph, op, 1) + " has empty shape " + filter.to_string());
    }
  }
  if (filter[0] != 1) {
    return invalid(describe_input(graph, op, 1) + " has shape " + filter.to_string() +
                   ", expected [1, KH, KW, channels * depth_multiplier]");
  }
  if (opt.depth_multiplier < 1) {
    return invalid("depth_multiplier " + std::to_string(opt.depth_multiplier) + " must be >= 1");
  }
  if (int64_t(in[3]) * opt.depth_multiplier != filter[3]) {
    return invalid(describe_input(graph, op, 1) + " has " + std::to_string(filter[3]) +
                   " output channels, expected " + std::to_string(in[3]) + " input channels * " +
                   "depth_multiplier " + std::to_string(opt.depth_multiplier));
  }
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in[1], filter[1], opt.stride_h, opt.dilation_h,
                                            opt.padding, "height", &g->h));
  return compute_padded_dim(in[2], filter[2], opt.stride_w, opt.dilation_w, opt.padding, "width",
                            &g->w);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 3, 1));
  const auto* opt = get_options<DepthwiseConv2DOptions>(op);
  if (!opt) return invalid("missing DepthwiseConv2DOptions");
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 4));
  const int32_t output_channels = graph.tensors[op.inputs[1]].shape[3];
  LOWBIT_RETURN_IF_ERROR(validate_weighted_operands(graph, op, {3, output_channels}));
  Geometry g;
  LOWBIT_RETURN_IF_ERROR(compute_geometry(graph, op, *opt, &g));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  output_shapes[0] = Shape{in[0], g.h.out, g.w.out, output_channels};
  return Status::Ok();
}

class QuantizedDepthwiseConv2D : public OpKernel {
 public:
  explicit QuantizedDepthwiseConv2D(const DepthwiseConv2DOptions& options) : options_(options) {}

  Status prepare(PrepareContext& ctx) override {
    Geometry g;
    LOWBIT_RETURN_IF_ERROR(compute_geometry(ctx.graph(), ctx.op(), options_, &g));
    const Shape& in = ctx.input(0).shape;
    const Shape& filter = ctx.input(1).shape;
    const int32_t output_channels = filter[3];
    const size_t taps = size_t(filter[1]) * filter[2];
    LOWBIT_RETURN_IF_ERROR(
        check_accumulator_range(ctx, {1, size_t(output_channels), taps}, output_channels));

    const QuantizedOutput q = quantized_output(ctx, options_.activation);
    p_.batch = in[0];
    p_.input_h = in[1];
    p_.input_w = in[2];
    p_.input_c = in[3];
    p_.output_h = g.h.out;
    p_.output_w = g.w.out;
    p_.depth_multiplier = options_.depth_multiplier;
    p_.kernel_h = filter[1];
    p_.kernel_w = filter[2];
    p_.stride_h = options_.stride_h;
    p_.stride_w = options_.stride_w;
    p_.dilation_h = options_.dilation_h;
    p_.dilation_w = options_.dilation_w;
    p_.pad_top = g.h.pad_before;
    p_.pad_left = g.w.pad_before;
    p_.input_zero_point = q.input_zero_point;
    p_.filter_zero_point = q.filter_zero_point;
    p_.output_zero_point = q.output_zero_point;
    p_.act_min = q.act_min;
    p_.act_max = q.act_max;
    p_.profile = ctx.profile();
    p_.requantizers = make_channel_requantizers(ctx, MultiplierRule::kDouble, output_channels);

    has_bias_ = ctx.has_input(2);
    kernel_.select(ctx.selector(), ctx.input(0).dtype, qs8_depthwise_conv2d_variants(),
                   qu8_depthwise_conv2d_variants());
    macs_ = uint64_t(p_.batch) * p_.output_h * p_.output_w * output_channels * taps;

    // SIMD microkernels, when the CPU and kernel set allow them, cover int8
    // with any depth multiplier; uint8 stays reference.
    const auto& dw = ctx.selector().select(qs8_dwconv_variants());
    use_simd_ = ctx.input(0).dtype == DType::kInt8 &&
                taps <= Qs8DwconvDriver::kMaxTaps && !dw.fn.portable &&
                ref::simd_kernels_support(p_.profile);
    if (use_simd_) {
      const auto* bias = has_bias_ ? static_cast<const int32_t*>(ctx.input(2).data) : nullptr;
      LOWBIT_RETURN_IF_ERROR(simd_.prepare(ctx, dw, simd_geometry(p_, output_channels),
                                           simd_quantization(p_),
                                           static_cast<const int8_t*>(ctx.input(1).data), bias));
    }
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    if (use_simd_) {
      simd_.run(ctx.pool(), ctx.input_as<int8_t>(0), ctx.output_as<int8_t>(0), ctx.scratch());
    } else {
      kernel_.run(p_, ctx, has_bias_, size_t(p_.batch) * p_.output_h);
    }
    return Status::Ok();
  }

  const char* name() const override { return use_simd_ ? simd_.name() : kernel_.name(); }
  uint64_t macs() const override { return macs_; }

 private:
  DepthwiseConv2DOptions options_;
  ref::DepthwiseQuantParams p_;
  bool has_bias_ = false;
  WeightedKernel<ref::DepthwiseQuantParams, ref::Qs8DepthwiseConv2dFn, ref::Qu8DepthwiseConv2dFn> kernel_;
  uint64_t macs_ = 0;
  bool use_simd_ = false;
  Qs8DwconvDriver simd_;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return create_float_kernel(graph, op);
  }
  const auto* opt = get_options<DepthwiseConv2DOptions>(op);
  if (!opt) return invalid("missing DepthwiseConv2DOptions");
  return std::unique_ptr<OpKernel>(new QuantizedDepthwiseConv2D(*opt));
}

}  // namespace

LOWBIT_REGISTER_OP(DepthwiseConv2D, validate, create)

}  // namespace lowbit
