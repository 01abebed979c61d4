// Helpers shared by operator implementations: validation, padding geometry,
// activation ranges.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "lowbit/graph.h"
#include "lowbit/status.h"

namespace lowbit {

inline Status invalid(std::string message) {
  return Status(StatusCode::kInvalidModel, std::move(message));
}

// Checks the operator has between min and max inputs (trailing optional
// inputs may be absent), exactly `outputs` outputs, and that the required
// (first `min_inputs`) inputs are present.
Status check_arity(const OperatorDesc& op, size_t min_inputs, size_t max_inputs, size_t outputs);

// "input 0 (tensor 5 \"x\")" for messages.
std::string describe_input(const GraphDesc& graph, const OperatorDesc& op, size_t i);
std::string describe_output(const GraphDesc& graph, const OperatorDesc& op, size_t i);

Status check_dtype(const GraphDesc& graph, const OperatorDesc& op, bool is_input, size_t i,
                   std::initializer_list<DType> allowed);
Status check_rank(const GraphDesc& graph, const OperatorDesc& op, bool is_input, size_t i,
                  int rank);
// Per-tensor scale > 0 and finite, zero point within the dtype's range.
Status check_per_tensor_quant(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                              size_t i);
// Input 0 int8, uint8 or float32 and output 0 of the same dtype, both with
// per-tensor quantization unless float (pools, MEAN).
Status check_int8_or_float_in_out(const GraphDesc& graph, const OperatorDesc& op);
// Constant data must be present (weights, biases).
Status check_constant(const GraphDesc& graph, const OperatorDesc& op, size_t input);

template <typename T>
const T* get_options(const OperatorDesc& op) {
  return std::get_if<T>(&op.options);
}

// The name of each options kind, for messages.
template <typename Kind>
inline constexpr const char* kOptionsName = "options";
#define LOWBIT_OPTIONS(Kind) \
  template <>                \
  inline constexpr const char* kOptionsName<Kind> = #Kind;
#include "lowbit/ops.def"

// The operator's options of kind Kind, or "missing <Kind>" when it has none.
template <typename Kind>
Status require_options(const OperatorDesc& op, const Kind** options) {
  *options = get_options<Kind>(op);
  if (*options == nullptr) return invalid(std::string("missing ") + kOptionsName<Kind>);
  return Status::Ok();
}

// Fails naming input i when a dimension of its shape is below 1.
Status check_nonempty(const GraphDesc& graph, const OperatorDesc& op, size_t i);

// Output size and leading padding of one spatial dimension (TFLite rules).
struct PaddedDim {
  int32_t out = 0;
  int32_t pad_before = 0;
  int32_t pad_after = 0;
};
// Fails (returns out <= 0) when the effective kernel does not fit.
Status compute_padded_dim(int32_t in, int32_t kernel, int32_t stride, int32_t dilation,
                          Padding padding, const char* what, PaddedDim* out);

// int8/uint8 clamp range of a fused activation in the output quantization.
void quantized_activation_range(Activation act, float scale, int32_t zero_point, DType dtype,
                                int32_t* act_min, int32_t* act_max);
void float_activation_range(Activation act, float* act_min, float* act_max);

const char* activation_name(Activation act);
const char* padding_name(Padding padding);

}  // namespace lowbit
