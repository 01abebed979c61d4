// AVERAGE_POOL_2D and MAX_POOL_2D share validation, geometry and the kernel
// wrapper; they differ only in the reference kernels they pick.
#pragma once

#include <memory>

#include "kernels/reference/qs8_pool2d.h"
#include "ops/op_kernel.h"

namespace lowbit {

// [input NHWC] -> [output NHWC], both float32 or both int8/uint8 with the
// same scale and zero point.
Status validate_pool2d(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes);

// The reference kernels' parameters of a pool over NHWC input `in`, all but
// the activation clamp; fails when the window does not fit.
Status pool_params(const Shape& in, const Pool2DOptions& options, ref::PoolParams* p);

struct Pool2DVariants {
  KernelFamily<ref::Qs8Pool2dFn> qs8;
  KernelFamily<ref::Qu8Pool2dFn> qu8;
};

// The quantized kernel for a validated pool, or the float one for float32.
Result<std::unique_ptr<OpKernel>> create_pool2d(const GraphDesc& graph, const OperatorDesc& op,
                                                const Pool2DVariants& variants);

// create() of a pool whose kernel families qs8_variants() and qu8_variants() return.
template <KernelFamily<ref::Qs8Pool2dFn> (*qs8_variants)(),
          KernelFamily<ref::Qu8Pool2dFn> (*qu8_variants)()>
Result<std::unique_ptr<OpKernel>> create_pool2d(const GraphDesc& graph, const OperatorDesc& op) {
  return create_pool2d(graph, op, {qs8_variants(), qu8_variants()});
}

}  // namespace lowbit
