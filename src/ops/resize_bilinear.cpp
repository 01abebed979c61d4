// RESIZE_BILINEAR: float32 and uint8 interpolate in float (uint8 rounds by
// adding 0.5 before truncating), int8 in TFLite's 10-bit fixed point.
// align_corners and half_pixel_centers exclude each other, as in TFLite.
#include <memory>

#include "kernels/resize.h"
#include "ops/resize_common.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_resize(graph, op, output_shapes,
                         {DType::kFloat32, DType::kInt8, DType::kUInt8}, false);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  switch (graph.tensors[op.inputs[0]].dtype) {
    case DType::kFloat32:
      return std::unique_ptr<OpKernel>(new ResizeKernel<float, ref::ResizeBilinearF32Fn>(
          f32_resize_bilinear_variants(), validate));
    case DType::kUInt8:
      return std::unique_ptr<OpKernel>(new ResizeKernel<uint8_t, ref::ResizeBilinearU8Fn>(
          qu8_resize_bilinear_variants(), validate));
    default:
      return std::unique_ptr<OpKernel>(new ResizeKernel<int8_t, ref::ResizeBilinearS8Fn>(
          qs8_resize_bilinear_variants(), validate));
  }
}

}  // namespace

LOWBIT_REGISTER_OP(ResizeBilinear, validate, create)

}  // namespace lowbit
