#include "ops/relu_common.h"

#include "kernels/qs8_quantize.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

class Qs8Relu : public UnaryElementwiseKernel<int8_t, int8_t, ref::RequantizeParams> {
 public:
  explicit Qs8Relu(Activation activation) : activation_(activation) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    const TensorDesc& out = ctx.output(0);
    const float si = in.quant.scales[0], so = out.quant.scales[0];
    params_.profile = ctx.profile();
    params_.input_zero_point = in.quant.zero_points[0];
    params_.output_zero_point = out.quant.zero_points[0];
    // TFLite Micro forms the ratio in double.
    params_.rescale = ref::make_requantizer(params_.profile, double(si) / double(so), si / so);
    quantized_activation_range(activation_, so, params_.output_zero_point, DType::kInt8,
                               &params_.act_min, &params_.act_max);
    return choose(ctx, qs8_relu_variants());
  }

 private:
  Activation activation_;
};

}  // namespace

Status validate_relu(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_int8_or_float_unary(graph, op, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create_relu_kernel(const GraphDesc& graph, const OperatorDesc& op,
                                                     Activation activation) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  return std::unique_ptr<OpKernel>(new Qs8Relu(activation));
}

}  // namespace lowbit
