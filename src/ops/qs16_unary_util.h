// What the int16 (16x8) forms of LOGISTIC and TANH share: validation of
// TFLite's scale rules and the kernel (kernels/reference/qs16_activation.h).
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

// Whether input 0 of the operator is int16 (its 16x8 form).
bool has_int16_input(const GraphDesc& graph, const OperatorDesc& op);

// int16 in and out, same shape, output scale 2^-15 as TFLite requires, and an
// input scale small enough for TFLite's input multiplier (s * 3 * 4096 < 2^16).
Status validate_qs16_sigmoid(const GraphDesc& graph, const OperatorDesc& op,
                             Shape* output_shapes);

// LOGISTIC (tanh = false) or TANH on int16.
std::unique_ptr<OpKernel> make_qs16_sigmoid_kernel(bool tanh);

}  // namespace lowbit
