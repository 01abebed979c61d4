#include "ops/op_kernel.h"

namespace lowbit {

const OpRegistration* find_op_registration(OpType type) {
  static const OpRegistration* const kTable[kNumOpTypes] = {
      &kConv2DOp,        &kDepthwiseConv2DOp, &kFullyConnectedOp, &kAddOp,
      &kMulOp,           &kAveragePool2DOp,   &kMaxPool2DOp,      &kMeanOp,
      &kSoftmaxOp,       &kLogisticOp,        &kHardSwishOp,      &kReluOp,
      &kRelu6Op,         &kPadOp,             &kConcatenationOp,  &kReshapeOp,
      &kQuantizeOp,      &kDequantizeOp,      &kBConv2DOp,        &kBMaxPool2DOp,
      &kBitpackOp,       &kUnpackOp,          &kBFullyConnectedOp};
  const int i = static_cast<int>(type);
  if (i < 0 || i >= kNumOpTypes) return nullptr;
  const OpRegistration* reg = kTable[i];
  return (reg != nullptr && reg->type == type) ? reg : nullptr;
}

}  // namespace lowbit
