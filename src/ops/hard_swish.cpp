// HARD_SWISH: x * relu6(x + 3) / 6. int8 follows TFLite's int16 fixed-point
// reference kernel in every profile; float32 runs through the float kernels.
#include <memory>

#include "kernels/qs8_hardswish.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

bool make_params(const TensorDesc& in, const TensorDesc& out, ref::Qs8HardSwishParams* params) {
  return ref::make_qs8_hardswish_params(in.quant.scales[0], in.quant.zero_points[0],
                                        out.quant.scales[0], out.quant.zero_points[0], params);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_int8_or_float_unary(graph, op, output_shapes));
  if (graph.tensors[op.inputs[0]].dtype != DType::kInt8) return Status::Ok();
  ref::Qs8HardSwishParams params;
  if (!make_params(graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]], &params)) {
    return invalid(describe_output(graph, op, 0) + " scale must be at least " +
                   describe_input(graph, op, 0) + " scale / 128 (TFLite's int16 HARD_SWISH)");
  }
  return Status::Ok();
}

class Qs8HardSwish : public UnaryElementwiseKernel<int8_t, int8_t, ref::Qs8HardSwishParams> {
 public:
  Status prepare(PrepareContext& ctx) override {
    if (!make_params(ctx.input(0), ctx.output(0), &params_)) {
      return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " scale is out of range");
    }
    return choose(ctx, qs8_hardswish_variants());
  }
};

}  // namespace

LOWBIT_REGISTER_OP(HardSwish, validate, create_float_or_quantized<Qs8HardSwish>)

}  // namespace lowbit
