// Factories of the XNNPACK-backed kernels, one per operator family file.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

std::unique_ptr<OpKernel> make_float_conv(const OperatorDesc& op);  // CONV_2D, DEPTHWISE_CONV_2D
std::unique_ptr<OpKernel> make_float_fully_connected(const OperatorDesc& op);
// AVERAGE_POOL_2D, MAX_POOL_2D, MEAN.
std::unique_ptr<OpKernel> make_float_pool(const OperatorDesc& op);
std::unique_ptr<OpKernel> make_float_binary(const OperatorDesc& op);  // ADD, SUB, MUL
// LOGISTIC, HARD_SWISH, RELU, RELU6, SOFTMAX.
std::unique_ptr<OpKernel> make_float_unary(const OperatorDesc& op);

}  // namespace lowbit
