// Factories of the XNNPACK-backed kernels, one per operator family file.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

std::unique_ptr<OpKernel> make_float_conv2d(const OperatorDesc& op);
std::unique_ptr<OpKernel> make_float_depthwise_conv2d(const OperatorDesc& op);
std::unique_ptr<OpKernel> make_float_fully_connected(const OperatorDesc& op);
std::unique_ptr<OpKernel> make_float_pool2d(const OperatorDesc& op);  // average and max
std::unique_ptr<OpKernel> make_float_mean(const OperatorDesc& op);
std::unique_ptr<OpKernel> make_float_binary(const OperatorDesc& op);  // ADD, SUB, MUL
std::unique_ptr<OpKernel> make_float_softmax(const OperatorDesc& op);
// LOGISTIC, HARD_SWISH, RELU, RELU6.
std::unique_ptr<OpKernel> make_float_unary(const OperatorDesc& op);

}  // namespace lowbit
