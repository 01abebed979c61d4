// LEAKY_RELU: x > 0 ? x : alpha * x (LeakyReluOptions). int8 and uint8 follow
// TFLite's integer kernel, two multipliers (s_in / s_out for x >= zp, and
// s_in * alpha / s_out below), as a 256-entry table; float32 the reference
// loop, as TFLite's.
#include <cmath>
#include <string>

#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

float alpha_of(const OperatorDesc& op) {
  const auto* options = get_options<LeakyReluOptions>(op);
  return options ? options->alpha : LeakyReluOptions{}.alpha;
}

void build(const OperatorDesc& op, const ref::ByteQuant& in, const ref::ByteQuant& out,
           uint8_t table[256]) {
  ref::make_leaky_relu_table(in, out, alpha_of(op), table);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_plain_unary(
      graph, op, {DType::kFloat32, DType::kInt8, DType::kUInt8}, output_shapes));
  const LeakyReluOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  if (!std::isfinite(options->alpha)) {
    return invalid("LeakyReluOptions alpha " + std::to_string(options->alpha) + " is not finite");
  }
  return Status::Ok();
}

class FloatLeakyRelu : public OpKernel {
 public:
  explicit FloatLeakyRelu(float alpha) : alpha_(alpha) {}

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    count_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const float* in = ctx.input_as<float>(0);
    float* out = ctx.output_as<float>(0);
    parallel_blocks(ctx.pool(), count_, kElementwiseBlock, [&](size_t begin, size_t end) {
      ref::f32_leaky_relu__reference(alpha_, end - begin, in + begin, out + begin);
    });
    return Status::Ok();
  }

  const char* name() const override { return "f32_leaky_relu__reference"; }

 private:
  float alpha_;
  size_t count_ = 0;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return std::unique_ptr<OpKernel>(new FloatLeakyRelu(alpha_of(op)));
  }
  return make_byte_table_kernel(build, false);
}

}  // namespace

LOWBIT_REGISTER_OP(LeakyRelu, validate, create)

}  // namespace lowbit
