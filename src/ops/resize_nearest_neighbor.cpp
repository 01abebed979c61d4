// RESIZE_NEAREST_NEIGHBOR: copies the nearest input pixel (TFLite's index
// rule: floor of the scaled position, rounded under align_corners), so any
// dtype works and values are unchanged.
#include <memory>

#include "kernels/resize.h"
#include "ops/resize_common.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_resize(graph, op, output_shapes,
                         {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32}, true);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(
      new ResizeKernel<void, ref::ResizeNearestFn>(copy_resize_nearest_variants(), validate));
}

}  // namespace

LOWBIT_REGISTER_OP(ResizeNearestNeighbor, validate, create)

}  // namespace lowbit
