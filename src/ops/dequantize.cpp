// DEQUANTIZE: int8/uint8 -> float32, float(double(scale) * (q - zp)) as TFLite.
#include <memory>

#include "kernels/qs8_quantize.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kInt8, DType::kUInt8}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

template <typename In>
class Dequantize : public UnaryElementwiseKernel<In, float, ref::DequantizeParams> {
 public:
  using Base = UnaryElementwiseKernel<In, float, ref::DequantizeParams>;
  explicit Dequantize(KernelFamily<typename Base::Fn> family) : family_(family) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    this->params_.scale = in.quant.scales[0];
    this->params_.zero_point = in.quant.zero_points[0];
    return this->choose(ctx, family_);
  }

 private:
  KernelFamily<typename Base::Fn> family_;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kUInt8) {
    return std::unique_ptr<OpKernel>(new Dequantize<uint8_t>(qu8_dequantize_variants()));
  }
  return std::unique_ptr<OpKernel>(new Dequantize<int8_t>(qs8_dequantize_variants()));
}

}  // namespace

LOWBIT_REGISTER_OP(Dequantize, validate, create)

}  // namespace lowbit
