// RELU6: min(max(x, 0), 6). int8 requantizes into the output quantization
// (see relu_common.h); float32 runs through the float kernels.
#include "ops/relu_common.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_relu(graph, op, Activation::kRelu6);
}

}  // namespace

LOWBIT_REGISTER_OP(Relu6, validate_relu, create)

}  // namespace lowbit
