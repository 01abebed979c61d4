// LEAKY_RELU: x > 0 ? x : alpha * x (LeakyReluOptions). int8 and uint8 follow
// TFLite's integer kernel, two multipliers (s_in / s_out for x >= zp, and
// s_in * alpha / s_out below), as a 256-entry table; float32 the reference
// loop, as TFLite's; int16 (16x8) the same two multipliers per element
// (kernels/reference/qs16_activation.h).
#include <cmath>
#include <string>

#include "kernels/qs8_math.h"
#include "ops/add_elementwise_util.h"
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"
#include "ops/qs16_unary_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(has_int16_input(graph, op)
                             ? validate_plain_unary(graph, op, {DType::kInt16}, output_shapes)
                             : validate_float_or_8bit_unary(graph, op, output_shapes));
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

class Qs16LeakyRelu
    : public UnaryElementwiseKernel<int16_t, int16_t, ref::Qs16LeakyReluParams> {
 public:
  explicit Qs16LeakyRelu(float alpha) : alpha_(alpha) {}
  Status prepare(PrepareContext& ctx) override {
    params_.rescale = ref::make_leaky_relu_rescale(ctx.input(0).quant.scales[0], alpha_,
                                                   ctx.output(0).quant.scales[0]);
    return choose(ctx, qs16_leaky_relu_variants());
  }

 private:
  float alpha_;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const auto* options = get_options<LeakyReluOptions>(op);
  const float alpha = options ? options->alpha : LeakyReluOptions{}.alpha;
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return std::unique_ptr<OpKernel>(new FloatLeakyRelu(alpha));
  }
  if (has_int16_input(graph, op)) return std::unique_ptr<OpKernel>(new Qs16LeakyRelu(alpha));
  return make_byte_table_kernel(ref::make_leaky_relu_table, alpha, false);
}

}  // namespace

LOWBIT_REGISTER_OP(LeakyRelu, validate, create)

}  // namespace lowbit
