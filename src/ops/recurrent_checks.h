// Validation shared by SVDF, UNIDIRECTIONAL_SEQUENCE_RNN and the LSTM: constant weight
// operands, variable state and TFLite's fused activation codes.
#pragma once

#include <cstdint>

#include "lowbit/graph.h"
#include "lowbit/status.h"

namespace lowbit {

// TFLite's ActivationFunctionType codes the float kernels apply (0-5).
bool is_supported_fused_activation(int32_t code);
Status check_fused_activation(int32_t code);

// Input i is present, constant, of `dtype` and exactly `shape`.
Status check_constant_operand(const GraphDesc& graph, const OperatorDesc& op, size_t i,
                              DType dtype, const Shape& shape);

// Input i is the operator's state: a variable tensor of `dtype` and `shape`
// (`what` names its layout in the message).
Status check_state_operand(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                           const Shape& shape, const char* what);

// Per-tensor quantization of input i with zero point 0 (TFLite's kernels
// never subtract these zero points).
Status check_symmetric_operand(const GraphDesc& graph, const OperatorDesc& op, size_t i);

}  // namespace lowbit
