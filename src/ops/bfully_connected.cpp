// BFULLY_CONNECTED: a binary fully connected layer, defined (LCE has none) as
// BCONV2D with a 1x1 filter on a 1x1 image: input bit [..., K] (all leading
// dimensions are the batch), constant weights bit [Cout, K], then multiplier
// and bias f32[Cout] (float32/int8 output) or threshold int32[Cout] (bit
// output). Output [batch, Cout].
#include <memory>
#include <string>

#include "kernels/reference/bin_conv2d.h"
#include "ops/drivers/bin_conv2d_driver.h"
#include "ops/binary_util.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

constexpr int64_t kMaxReduction = int64_t(1) << 28;

Status validate_bfully_connected(const GraphDesc& graph, const OperatorDesc& op,
                                 Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 5, 1));
  const BFullyConnectedOptions* options = get_options<BFullyConnectedOptions>(op);
  if (options == nullptr) return invalid("missing BFullyConnectedOptions");
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, kBinInput, {DType::kBit}));
  const Shape& in = graph.tensors[op.inputs[kBinInput]].shape;
  if (in.rank < 1) {
    return invalid(describe_input(graph, op, kBinInput) + " must have rank >= 1");
  }
  LOWBIT_RETURN_IF_ERROR(check_positive_dims(graph, op, true, kBinInput));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, kBinWeights, {DType::kBit}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kBinWeights, 2));
  LOWBIT_RETURN_IF_ERROR(check_positive_dims(graph, op, true, kBinWeights));
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, kBinWeights));
  const Shape& weights = graph.tensors[op.inputs[kBinWeights]].shape;
  const int32_t k = weights[1];
  if (in[in.rank - 1] != k) {
    return invalid(describe_input(graph, op, kBinInput) + " has innermost dimension " +
                   std::to_string(in[in.rank - 1]) + ", but " +
                   describe_input(graph, op, kBinWeights) + " expects K = " + std::to_string(k) +
                   " (the reduction runs over the packed innermost dimension)");
  }
  if (k > kMaxReduction) {
    return invalid(describe_input(graph, op, kBinWeights) + ": K = " + std::to_string(k) +
                   " is too large");
  }
  const int64_t batch = in.num_elements() / k;
  if (batch > INT32_MAX) return invalid(describe_input(graph, op, kBinInput) + " is too large");
  LOWBIT_RETURN_IF_ERROR(
      validate_bin_output_operands(graph, op, weights[0], options->activation));
  output_shapes[0] = Shape{static_cast<int32_t>(batch), weights[0]};
  return Status::Ok();
}

class BFullyConnectedKernel : public BinConvOpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const BFullyConnectedOptions& options = *get_options<BFullyConnectedOptions>(ctx.op());
    const Shape& weights = ctx.input(kBinWeights).shape;
    const int32_t k = weights[1];
    p_ = ref::BinConv2DParams();
    p_.batch = static_cast<int32_t>(ctx.input(kBinInput).shape.num_elements() / k);
    p_.input_words = bit_words(k);
    p_.out_channels = weights[0];
    p_.group_channels = k;
    return prepare_driver(ctx, "bin_fully_connected", k, options.activation,
                          /*same_padding=*/false, uint64_t(p_.batch));
  }
};

}  // namespace

LOWBIT_REGISTER_OP(BFullyConnected, validate_bfully_connected, create_bin_op_kernel<BFullyConnectedKernel>)

}  // namespace lowbit
