#include "ops/op_util.h"

#include <cmath>
#include <algorithm>
#include <limits>
#include <variant>

#include "kernels/reference/activation_range.h"
#include "kernels/reference/padded_dim.h"

namespace lowbit {

Status check_arity(const OperatorDesc& op, size_t min_inputs, size_t max_inputs, size_t outputs) {
  if (op.inputs.size() < min_inputs || op.inputs.size() > max_inputs) {
    std::string want = min_inputs == max_inputs
                           ? std::to_string(min_inputs)
                           : std::to_string(min_inputs) + " to " + std::to_string(max_inputs);
    return invalid("expects " + want + " inputs, has " + std::to_string(op.inputs.size()));
  }
  for (size_t i = 0; i < min_inputs; ++i) {
    if (op.inputs[i] == kAbsentInput) {
      return invalid("required input " + std::to_string(i) + " is absent");
    }
  }
  if (op.outputs.size() != outputs) {
    return invalid("expects " + std::to_string(outputs) + " outputs, has " +
                   std::to_string(op.outputs.size()));
  }
  return Status::Ok();
}

static std::string describe_operand(const GraphDesc& graph, const char* kind, size_t i, int t) {
  return std::string(kind) + " " + std::to_string(i) + " (" + describe_tensor(graph, t) + ")";
}

std::string describe_input(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  return describe_operand(graph, "input", i, op.inputs[i]);
}

std::string describe_output(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  return describe_operand(graph, "output", i, op.outputs[i]);
}

Status check_int8_or_float_in_out(const GraphDesc& graph, const OperatorDesc& op) {
  LOWBIT_RETURN_IF_ERROR(
      check_dtype(graph, op, true, 0, {DType::kInt8, DType::kUInt8, DType::kFloat32}));
  const DType dtype = graph.tensors[op.inputs[0]].dtype;
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {dtype}));
  if (dtype == DType::kFloat32) return Status::Ok();
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  return check_per_tensor_quant(graph, op, false, 0);
}

Status check_nonempty(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  const Shape& shape = graph.tensors[op.inputs[i]].shape;
  for (int d = 0; d < shape.rank; ++d) {
    if (shape[d] < 1) {
      return invalid(describe_input(graph, op, i) + " has empty shape " + shape.to_string());
    }
  }
  return Status::Ok();
}

static const TensorDesc& operand(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                                 size_t i) {
  return graph.tensors[is_input ? op.inputs[i] : op.outputs[i]];
}

static std::string describe(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                            size_t i) {
  return is_input ? describe_input(graph, op, i) : describe_output(graph, op, i);
}

Status check_dtype(const GraphDesc& graph, const OperatorDesc& op, bool is_input, size_t i,
                   std::initializer_list<DType> allowed) {
  const TensorDesc& t = operand(graph, op, is_input, i);
  std::string names;
  for (DType d : allowed) {
    if (d == t.dtype) return Status::Ok();
    names += names.empty() ? "" : " or ";
    names += dtype_name(d);
  }
  return invalid(describe(graph, op, is_input, i) + " has dtype " + dtype_name(t.dtype) +
                 ", expected " + names);
}

Status check_rank(const GraphDesc& graph, const OperatorDesc& op, bool is_input, size_t i,
                  int rank) {
  const TensorDesc& t = operand(graph, op, is_input, i);
  if (t.shape.rank != rank) {
    return invalid(describe(graph, op, is_input, i) + " has rank " +
                   std::to_string(t.shape.rank) + " (shape " + t.shape.to_string() +
                   "), expected " + std::to_string(rank));
  }
  return Status::Ok();
}

Status check_per_tensor_quant(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                              size_t i) {
  const TensorDesc& t = operand(graph, op, is_input, i);
  if (t.quant.scales.size() != 1 || t.quant.zero_points.size() != 1) {
    return invalid(describe(graph, op, is_input, i) +
                   " needs per-tensor quantization (one scale and one zero point)");
  }
  const float s = t.quant.scales[0];
  if (!(s > 0.0f) || !std::isfinite(s)) {
    return invalid(describe(graph, op, is_input, i) + " has invalid scale " + std::to_string(s));
  }
  const int32_t zp = t.quant.zero_points[0];
  const int32_t lo = t.dtype == DType::kUInt8 ? 0 : -128;
  const int32_t hi = t.dtype == DType::kUInt8 ? 255 : 127;
  if ((t.dtype == DType::kInt8 || t.dtype == DType::kUInt8) && (zp < lo || zp > hi)) {
    return invalid(describe(graph, op, is_input, i) + " has zero point " + std::to_string(zp) +
                   " outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return Status::Ok();
}

Status check_constant(const GraphDesc& graph, const OperatorDesc& op, size_t input) {
  if (!graph.tensors[op.inputs[input]].is_constant()) {
    return invalid(describe_input(graph, op, input) + " must be a constant tensor");
  }
  return Status::Ok();
}

Status compute_padded_dim(int32_t in, int32_t kernel, int32_t stride, int32_t dilation,
                          Padding padding, const char* what, PaddedDim* out) {
  ref::WindowDim dim;
  switch (ref::window_dim(in, kernel, stride, dilation, padding == Padding::kSame, &dim)) {
    case ref::WindowError::kNone:
      break;
    case ref::WindowError::kBadParameters:
      return invalid(std::string(what) + ": kernel " + std::to_string(kernel) + ", stride " +
                     std::to_string(stride) + " and dilation " + std::to_string(dilation) +
                     " must all be >= 1");
    case ref::WindowError::kExtentOverflow:
      return invalid(std::string(what) + ": dilated kernel extent overflows");
    case ref::WindowError::kExtentExceedsInput:
      return invalid(std::string(what) + ": dilated kernel extent " +
                     std::to_string(ref::dilated_extent(kernel, dilation)) +
                     " exceeds input size " + std::to_string(in) + " with VALID padding");
  }
  out->out = dim.out;
  out->pad_before = dim.pad_before;
  out->pad_after = dim.pad_after;
  return Status::Ok();
}

void quantized_activation_range(Activation act, float scale, int32_t zero_point, DType dtype,
                                int32_t* act_min, int32_t* act_max) {
  static_assert(int(Activation::kRelu6) == ref::kActRelu6 &&
                int(Activation::kReluN1To1) == ref::kActReluN1To1);
  const int32_t qmin = dtype == DType::kUInt8 ? 0 : dtype == DType::kInt16 ? -32768 : -128;
  const int32_t qmax = dtype == DType::kUInt8 ? 255 : dtype == DType::kInt16 ? 32767 : 127;
  ref::quantized_activation_range(static_cast<int>(act), scale, zero_point, qmin, qmax, act_min,
                                  act_max);
}

void float_activation_range(Activation act, float* act_min, float* act_max) {
  *act_min = -std::numeric_limits<float>::infinity();
  *act_max = std::numeric_limits<float>::infinity();
  switch (act) {
    case Activation::kNone:
      break;
    case Activation::kRelu:
      *act_min = 0.0f;
      break;
    case Activation::kRelu6:
      *act_min = 0.0f;
      *act_max = 6.0f;
      break;
    case Activation::kReluN1To1:
      *act_min = -1.0f;
      *act_max = 1.0f;
      break;
  }
}

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::kNone: return "NONE";
    case Activation::kRelu: return "RELU";
    case Activation::kRelu6: return "RELU6";
    case Activation::kReluN1To1: return "RELU_N1_TO_1";
  }
  return "?";
}

const char* padding_name(Padding padding) {
  return padding == Padding::kSame ? "SAME" : "VALID";
}

}  // namespace lowbit
