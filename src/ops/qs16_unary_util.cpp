#include "ops/qs16_unary_util.h"

#include <string>

#include "kernels/qs8_math.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

class Qs16Sigmoid : public UnaryElementwiseKernel<int16_t, int16_t, ref::Qs16SigmoidParams> {
 public:
  explicit Qs16Sigmoid(bool tanh) : tanh_(tanh) {}

  Status prepare(PrepareContext& ctx) override {
    params_ = ref::make_qs16_sigmoid_params(ctx.input(0).quant.scales[0], tanh_);
    return choose(ctx, tanh_ ? qs16_tanh_variants() : qs16_logistic_variants());
  }

 private:
  bool tanh_;
};

}  // namespace

bool has_int16_input(const GraphDesc& graph, const OperatorDesc& op) {
  return !op.inputs.empty() && op.inputs[0] >= 0 &&
         static_cast<size_t>(op.inputs[0]) < graph.tensors.size() &&
         graph.tensors[op.inputs[0]].dtype == DType::kInt16;
}

Status validate_qs16_sigmoid(const GraphDesc& graph, const OperatorDesc& op,
                             Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_plain_unary(graph, op, {DType::kInt16}, output_shapes));
  int log2_scale = 0;
  if (!ref::checked_log2(graph.tensors[op.outputs[0]].quant.scales[0], &log2_scale) ||
      log2_scale != -15) {
    return invalid(describe_output(graph, op, 0) + " must have scale 2^-15 (int16 output)");
  }
  // TFLite's int16 input multiplier s * 3 * 4096 times any int16 must fit int32.
  if (!(graph.tensors[op.inputs[0]].quant.scales[0] * 3.0 * 4096.0 < 65536.0)) {
    return invalid(describe_input(graph, op, 0) +
                   " scale is too large for int16 (TFLite needs scale * 3 * 4096 < 2^16)");
  }
  return Status::Ok();
}

std::unique_ptr<OpKernel> make_qs16_sigmoid_kernel(bool tanh) {
  return std::make_unique<Qs16Sigmoid>(tanh);
}

}  // namespace lowbit
