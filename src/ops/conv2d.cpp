// CONV_2D: [input NHWC, filter OHWI, bias?] -> output NHWC, grouped when the
// input has a multiple of the filter's input channels.
#include <memory>
#include <string>

#include "kernels/qs8_conv.h"
#include "ops/conv2d_common.h"
#include "ops/conv2d_qs16.h"
#include "ops/weighted_op_kernel.h"
#include "ops/op_util.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"

namespace lowbit {
namespace {

Status compute_window(const GraphDesc& graph, const OperatorDesc& op, const Conv2DOptions& opt,
                      Window2D* window) {
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 0));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 1));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const Shape& filter = graph.tensors[op.inputs[1]].shape;
  if (in[3] % filter[3] != 0) {
    return invalid(describe_input(graph, op, 0) + " has " + std::to_string(in[3]) +
                   " channels, not a multiple of the " + std::to_string(filter[3]) +
                   " input channels of " + describe_input(graph, op, 1));
  }
  const int32_t groups = in[3] / filter[3];
  if (filter[0] % groups != 0) {
    return invalid(describe_input(graph, op, 1) + " has " + std::to_string(filter[0]) +
                   " output channels, not a multiple of the " + std::to_string(groups) +
                   " groups");
  }
  return compute_filter_window(in, filter, opt, window);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_filter_operator<Conv2DOptions>(graph, op, 0, compute_window, output_shapes);
}

class QuantizedConv2D : public WeightedOpKernel<Conv2DOptions, ref::ConvQuantParams,
                                                ref::Qs8Conv2dFn, ref::Qu8Conv2dFn,
                                                Qs8GemmConvDriver> {
 public:
  using WeightedOpKernel::WeightedOpKernel;

  Status prepare(PrepareContext& ctx) override {
    Window2D window;
    LOWBIT_RETURN_IF_ERROR(compute_window(ctx.graph(), ctx.op(), options_, &window));
    const Shape& in = ctx.input(0).shape;
    const Shape& filter = ctx.input(1).shape;
    const int32_t output_channels = filter[0];
    const size_t taps = size_t(filter[1]) * filter[2] * filter[3];
    LOWBIT_RETURN_IF_ERROR(check_accumulator_range(ctx, {taps, 1, taps}, output_channels));

    const Qs8ConvGeometry geometry = prepare_filter_layer(
        ctx, window, output_channels, taps, qs8_conv2d_variants(), qu8_conv2d_variants());
    p_.output_c = output_channels;
    p_.groups = in[3] / filter[3];

    // A SIMD GEMM, when the CPU and kernel set allow one, replaces the
    // reference for int8 and legacy uint8 (driver_applies) ungrouped convolution.
    const auto& gemm = ctx.selector().select(qs8_gemm_variants());
    use_driver_ = p_.groups == 1 && driver_applies(ctx, gemm);
    return prepare_driver_if_used(ctx, gemm, geometry, driver_quantization(p_));
  }
};

using Qs16Conv2D = Qs16FilterOp<Qs16GemmConvKernel, Conv2DOptions, compute_window>;

}  // namespace

LOWBIT_REGISTER_OP(Conv2D, validate, (create_weighted_kernel<QuantizedConv2D, Qs16Conv2D>))

}  // namespace lowbit
