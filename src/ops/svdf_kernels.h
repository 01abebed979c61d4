// SVDF's kernels (src/ops/svdf_kernels.cpp), chosen by its create(): float32,
// the fully-integer form with int16 state (TFLite) or int8 state with a zero
// point (TFLite Micro), and the hybrid form (float input and state, int8
// weights). svdf.cpp validates the operator.
#pragma once

#include <memory>

#include "kernels/reference/svdf.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace svdf {

// TFLite's operand positions; the bias may be absent.
constexpr size_t kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4;

// The layer's sizes, from its operands and options (after validation).
ref::SvdfShape layer_shape(const GraphDesc& graph, const OperatorDesc& op);

// The kernel for the state's dtype (and, with float32 state, the weights').
std::unique_ptr<OpKernel> make_kernel(const GraphDesc& graph, const OperatorDesc& op);

}  // namespace svdf
}  // namespace lowbit
