// SUM, REDUCE_MAX and REDUCE_MIN: [input, axes?] -> input reduced over the
// axes (MeanOptions, as MEAN), for float32, int8, uint8, int32 and int64. As
// LiteRT's reference kernels: an int8/uint8 SUM rescales the sum by the
// in/out scale ratio (ref qs8_mean without MEAN's 1/count), reading int8
// bytes as uint8 (reduce_util.cpp); other sums wrap in the value type.
// REDUCE_MAX/MIN need the same quantization on both sides. reduce_max.cpp and reduce_min.cpp register the
// same two functions, which read op.type.
#include <memory>

#include "ops/op_util.h"
#include "ops/pad_copy_util.h"
#include "ops/reduce_util.h"

namespace lowbit {

Status validate_sum_max_min(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_reduce(
      graph, op, output_shapes,
      {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32, DType::kInt64}));
  const DType dtype = graph.tensors[op.inputs[0]].dtype;
  const bool quantized = dtype == DType::kInt8 || dtype == DType::kUInt8;
  if (quantized && op.type != OpType::kSum) return check_same_quantization(graph, op, 0);
  return Status::Ok();
}

Result<std::unique_ptr<OpKernel>> create_sum_max_min(const GraphDesc& graph,
                                                     const OperatorDesc& op) {
  switch (op.type) {
    case OpType::kReduceMax: return plain_reduce_kernel(ref::ReduceKind::kMax);
    case OpType::kReduceMin: return plain_reduce_kernel(ref::ReduceKind::kMin);
    default: break;
  }
  const DType dtype = graph.tensors[op.inputs[0]].dtype;
  if (dtype == DType::kInt8 || dtype == DType::kUInt8) return quantized_mean_or_sum_kernel();
  return plain_reduce_kernel(ref::ReduceKind::kSum);
}

LOWBIT_REGISTER_OP(Sum, validate_sum_max_min, create_sum_max_min)

}  // namespace lowbit
