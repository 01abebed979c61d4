// LEAKY_RELU: x > 0 ? x : alpha * x (LeakyReluOptions). int8 and uint8 follow
// TFLite's integer kernel, two multipliers (s_in / s_out for x >= zp, and
// s_in * alpha / s_out below), as a 256-entry table; float32 the reference
// loop, as TFLite's.
#include <cmath>
#include <string>

#include "kernels/qs8_math.h"
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_float_or_8bit_unary(graph, op, output_shapes));
  const LeakyReluOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  if (!std::isfinite(options->alpha)) {
    return invalid("LeakyReluOptions alpha " + std::to_string(options->alpha) + " is not finite");
  }
  return Status::Ok();
}

class FloatLeakyRelu : public UnaryElementwiseKernel<float, float, float> {
 public:
  explicit FloatLeakyRelu(float alpha) { params_ = alpha; }
  Status prepare(PrepareContext& ctx) override { return choose(ctx, f32_leaky_relu_variants()); }
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const auto* options = get_options<LeakyReluOptions>(op);
  const float alpha = options ? options->alpha : LeakyReluOptions{}.alpha;
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return std::unique_ptr<OpKernel>(new FloatLeakyRelu(alpha));
  }
  return make_byte_table_kernel(ref::make_leaky_relu_table, alpha, false);
}

}  // namespace

LOWBIT_REGISTER_OP(LeakyRelu, validate, create)

}  // namespace lowbit
