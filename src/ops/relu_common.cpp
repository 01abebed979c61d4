#include "ops/relu_common.h"

#include <type_traits>

#include "kernels/qs8_quantize.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// int8, and legacy uint8 with TFLite's same rule in the uint8 range.
template <typename T>
class QuantizedRelu : public UnaryElementwiseKernel<T, T, ref::RequantizeParams> {
 public:
  explicit QuantizedRelu(Activation activation) : activation_(activation) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    const TensorDesc& out = ctx.output(0);
    const float si = in.quant.scales[0], so = out.quant.scales[0];
    ref::RequantizeParams& p = this->params_;
    p.profile = ctx.profile();
    p.input_zero_point = in.quant.zero_points[0];
    p.output_zero_point = out.quant.zero_points[0];
    // TFLite Micro forms the ratio in double.
    p.rescale = ref::make_requantizer(p.profile, double(si) / double(so), si / so);
    quantized_activation_range(activation_, so, p.output_zero_point, out.dtype, &p.act_min,
                               &p.act_max);
    if constexpr (std::is_same_v<T, uint8_t>) {
      return this->choose(ctx, qu8_relu_variants());
    } else {
      return this->choose(ctx, qs8_relu_variants());
    }
  }

 private:
  Activation activation_;
};

}  // namespace

Status validate_relu(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kInt8, DType::kUInt8, DType::kFloat32},
                              output_shapes);
}

Result<std::unique_ptr<OpKernel>> create_relu_kernel(const GraphDesc& graph, const OperatorDesc& op,
                                                     Activation activation) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  if (graph.tensors[op.inputs[0]].dtype == DType::kUInt8) {
    return std::unique_ptr<OpKernel>(new QuantizedRelu<uint8_t>(activation));
  }
  return std::unique_ptr<OpKernel>(new QuantizedRelu<int8_t>(activation));
}

}  // namespace lowbit
