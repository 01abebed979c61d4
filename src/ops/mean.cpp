// MEAN: [input, axes?] -> input averaged over the axes (MeanOptions), reduced
// dims kept as 1 with keep_dims; float32, int8, uint8, int16, int32, int64. int8/uint8/int16
// follow TFLite's integer algorithm (1/count folded into the requantizer, see
// ../shared/NUMERICS.md section 5); float32 sums in the input's order and
// divides by the count, as TFLite's reference kernel; int32/int64 truncate.
// The float mean over the spatial axes of NHWC runs XNNPACK's global average
// pooling, as the other float convolution-family operators run XNNPACK (its
// sum order differs from TFLite's reference kernel in the last bits).
#include <memory>

#include "ops/float/float_kernels.h"
#include "ops/op_util.h"
#include "ops/reduce_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_reduce(graph, op, output_shapes,
                         {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt16,
                          DType::kInt32, DType::kInt64});
}

bool spatial_nhwc(const GraphDesc& graph, const OperatorDesc& op) {
  bool reduced[kMaxRank];
  if (graph.tensors[op.inputs[0]].shape.rank != 4 || !resolve_reduce_axes(graph, op, reduced).ok()) {
    return false;
  }
  return !reduced[0] && reduced[1] && reduced[2] && !reduced[3];
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  switch (graph.tensors[op.inputs[0]].dtype) {
    case DType::kInt8:
    case DType::kUInt8:
    case DType::kInt16: return quantized_mean_or_sum_kernel();
    case DType::kFloat32:
      if (spatial_nhwc(graph, op)) return create_float_kernel(graph, op);
      return plain_reduce_kernel(ref::ReduceKind::kMean);
    default: return plain_reduce_kernel(ref::ReduceKind::kMean);
  }
}

}  // namespace

LOWBIT_REGISTER_OP(Mean, validate, create)

}  // namespace lowbit
