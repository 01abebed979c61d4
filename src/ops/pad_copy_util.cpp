#include "ops/pad_copy_util.h"

#include "ops/op_util.h"

namespace lowbit {

size_t element_bytes(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return 4;
    case DType::kInt32: return 4;
    case DType::kInt8: return 1;
    case DType::kUInt8: return 1;
    case DType::kInt64: return 8;
    case DType::kInt16: return 2;
    case DType::kBool: return 1;
    case DType::kFloat16: return 2;
    case DType::kBit: return 0;
    case DType::kInt4: return 0;
  }
  return 0;
}

Status check_byte_addressable(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                              size_t i) {
  return check_dtype(graph, op, is_input, i,
                     {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt16, DType::kInt32,
                      DType::kInt64, DType::kBool});
}

Status check_same_quantization(const GraphDesc& graph, const OperatorDesc& op, size_t input) {
  const TensorDesc& in = graph.tensors[op.inputs[input]];
  if (in.dtype != DType::kInt8 && in.dtype != DType::kUInt8 && in.dtype != DType::kInt16) {
    return Status::Ok();
  }
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, input));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  if (in.quant.scales[0] != out.quant.scales[0] ||
      in.quant.zero_points[0] != out.quant.zero_points[0]) {
    return invalid(describe_input(graph, op, input) + " quantization (scale " +
                   std::to_string(in.quant.scales[0]) + ", zero point " +
                   std::to_string(in.quant.zero_points[0]) + ") differs from " +
                   describe_output(graph, op, 0) + " (scale " +
                   std::to_string(out.quant.scales[0]) + ", zero point " +
                   std::to_string(out.quant.zero_points[0]) + ")");
  }
  return Status::Ok();
}

}  // namespace lowbit
