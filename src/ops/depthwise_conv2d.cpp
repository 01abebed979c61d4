// DEPTHWISE_CONV_2D: [input NHWC, filter 1xKHxKWx(C*M), bias?] -> output NHWC
// with C*M channels; output channel c*M + m reads input channel c.
#include <memory>
#include <string>

#include "kernels/qs8_conv.h"
#include "ops/conv2d_common.h"
#include "ops/conv2d_qs16.h"
#include "ops/weighted_op_kernel.h"
#include "ops/op_util.h"
#include "ops/drivers/qs8_dwconv_driver.h"

namespace lowbit {
namespace {

Status compute_window(const GraphDesc& graph, const OperatorDesc& op,
                      const DepthwiseConv2DOptions& opt, Window2D* window) {
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 0));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 1));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const Shape& filter = graph.tensors[op.inputs[1]].shape;
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
  return compute_filter_window(in, filter, opt, window);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_filter_operator<DepthwiseConv2DOptions>(graph, op, 3, compute_window,
                                                          output_shapes);
}

class QuantizedDepthwiseConv2D
    : public WeightedOpKernel<DepthwiseConv2DOptions, ref::DepthwiseQuantParams,
                              ref::Qs8DepthwiseConv2dFn, ref::Qu8DepthwiseConv2dFn,
                              Qs8DwconvDriver> {
 public:
  using WeightedOpKernel::WeightedOpKernel;

  Status prepare(PrepareContext& ctx) override {
    Window2D window;
    LOWBIT_RETURN_IF_ERROR(compute_window(ctx.graph(), ctx.op(), options_, &window));
    const Shape& filter = ctx.input(1).shape;
    const int32_t output_channels = filter[3];
    const size_t taps = size_t(filter[1]) * filter[2];
    LOWBIT_RETURN_IF_ERROR(
        check_accumulator_range(ctx, {1, size_t(output_channels), taps}, output_channels));

    const Qs8ConvGeometry geometry =
        prepare_filter_layer(ctx, window, output_channels, taps, qs8_depthwise_conv2d_variants(),
                             qu8_depthwise_conv2d_variants());
    p_.depth_multiplier = options_.depth_multiplier;

    // SIMD microkernels, when the CPU and kernel set allow them, cover int8
    // and legacy uint8 (driver_applies) with any depth multiplier.
    const KernelFamily<Qs8DwconvKernel> family = qs8_dwconv_variants();
    const KernelVariant<Qs8DwconvKernel>* dw = &ctx.selector().select(family);
    if (ctx.input(0).dtype == DType::kUInt8 && !uint8_weights_fit_int8(uint8_range(ctx))) {
      // uint8 weights beyond int8 take the best variant whose row kernels
      // take int16 weights (ops/legacy_uint8.h), else split taps.
      for (const KernelVariant<Qs8DwconvKernel>& row : family) {
        if (row.fn.wide_row_weights && !row.fn.portable && ctx.selector().allows(row.required)) {
          dw = &row;
          break;
        }
      }
    }
    use_driver_ = taps <= Qs8DwconvDriver::kMaxTaps && driver_applies(ctx, *dw);
    return prepare_driver_if_used(ctx, *dw, geometry, driver_quantization(p_));
  }
};

using Qs16DepthwiseConv2D =
    Qs16FilterOp<Qs16DepthwiseKernel, DepthwiseConv2DOptions, compute_window>;

}  // namespace

LOWBIT_REGISTER_OP(DepthwiseConv2D, validate,
                   (create_weighted_kernel<QuantizedDepthwiseConv2D, Qs16DepthwiseConv2D>))

}  // namespace lowbit
