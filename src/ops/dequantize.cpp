// DEQUANTIZE: int8/uint8/int16 -> float32, float(double(scale) * (q - zp)) as TFLite;
// float16 -> float32 exactly. The converter folds DEQUANTIZE of a constant
// (float16 weights included), so the float16 path runs only for a graph
// output or a float16 tensor computed at run time.
#include <memory>

#include "kernels/qs8_quantize.h"
#include "kernels/reference/float16.h"
#include "ops/add_elementwise_util.h"
#include "ops/conversion_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0,
                                     {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat16}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  if (graph.tensors[op.inputs[0]].dtype != DType::kFloat16) {
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  }
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

void set_dequantize_params(const PrepareContext& ctx, ref::DequantizeParams* p) {
  const TensorDesc& in = ctx.input(0);
  p->scale = in.quant.scales[0];
  p->zero_point = in.quant.zero_points[0];
}

class HalfToFloat : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    count_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const auto* in = ctx.input_as<uint16_t>(0);
    float* out = ctx.output_as<float>(0);
    parallel_blocks(ctx.pool(), count_, kElementwiseBlock, [&](size_t begin, size_t end) {
      ref::f16_dequantize__reference(in, out, begin, end);
    });
    return Status::Ok();
  }

  const char* name() const override { return "f16_dequantize__reference"; }

 private:
  size_t count_ = 0;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  switch (graph.tensors[op.inputs[0]].dtype) {
    case DType::kFloat16: return std::unique_ptr<OpKernel>(new HalfToFloat());
    case DType::kUInt8: return conversion_kernel(qu8_dequantize_variants(), set_dequantize_params);
    case DType::kInt16:
      return conversion_kernel(qs16_dequantize_variants(), set_dequantize_params);
    default: return conversion_kernel(qs8_dequantize_variants(), set_dequantize_params);
  }
}

}  // namespace

LOWBIT_REGISTER_OP(Dequantize, validate, create)

}  // namespace lowbit
