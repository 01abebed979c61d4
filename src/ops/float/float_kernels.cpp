#include "ops/float/float_kernels.h"

#include "ops/float/float_ops.h"

namespace lowbit {

Result<std::unique_ptr<OpKernel>> make_float_kernel(const GraphDesc&, const OperatorDesc& op) {
  switch (op.type) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D: return make_float_conv(op);
    case OpType::kFullyConnected: return make_float_fully_connected(op);
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
    case OpType::kMean: return make_float_pool(op);
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul: return make_float_binary(op);
    case OpType::kSoftmax:
    case OpType::kLogistic:
    case OpType::kHardSwish:
    case OpType::kRelu:
    case OpType::kRelu6: return make_float_unary(op);
    default:
      return Status(StatusCode::kUnsupported,
                    std::string(op_type_name(op.type)) + " has no float32 kernel");
  }
}

}  // namespace lowbit
