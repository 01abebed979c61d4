// SVDF's kernels (src/ops/svdf_kernels.cpp, svdf_integer_kernel.cpp), chosen
// by its create(): float32, the fully-integer form with int16 state (TFLite)
// or int8 state with a zero point (TFLite Micro), and the hybrid form (float
// input and state, int8 weights). svdf.cpp validates the operator.
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

// What every SVDF kernel has: the layer's shape and its work.
class SvdfKernel : public OpKernel {
 public:
  uint64_t macs() const override {
    return uint64_t(s_.batches) * s_.filters * uint64_t(s_.inputs + s_.memory);
  }

 protected:
  ref::SvdfShape s_;
};

// The integer kernel (svdf_integer_kernel.cpp) for int8 or int16 state.
std::unique_ptr<OpKernel> make_integer_kernel(DType state);

}  // namespace svdf
}  // namespace lowbit
