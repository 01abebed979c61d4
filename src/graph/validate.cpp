#include "graph/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/op_registration.h"
#include "graph/scale_bounds.h"

namespace lowbit {
namespace {

Status invalid_model(std::string message) {
  return Status(StatusCode::kInvalidModel, std::move(message));
}

bool is_known_dtype(DType dtype) {
  return static_cast<int>(dtype) <= static_cast<int>(DType::kInt4);
}

bool is_known_op_type(OpType type) { return static_cast<int>(type) < kNumOpTypes; }

// Zero points must be representable in the element type they offset.
bool zero_point_fits(DType dtype, int32_t zero_point) {
  switch (dtype) {
    case DType::kInt8: return zero_point >= -128 && zero_point <= 127;
    case DType::kUInt8: return zero_point >= 0 && zero_point <= 255;
    case DType::kInt16: return zero_point >= -32768 && zero_point <= 32767;
    case DType::kInt4: return zero_point >= -8 && zero_point <= 7;
    default: return true;
  }
}

Status check_quantization(const GraphDesc& graph, int index) {
  const TensorDesc& t = graph.tensors[index];
  const Quantization& q = t.quant;
  // Error messages are built only on error: building one per tensor and
  // operator was a visible part of every model load.
  auto who = [&] { return describe_tensor(graph, index); };
  if (q.scales.size() != q.zero_points.size()) {
    return invalid_model(who() + ": quantization has " + std::to_string(q.scales.size()) +
                         " scales but " + std::to_string(q.zero_points.size()) + " zero points");
  }
  if (q.scales.empty()) return Status::Ok();
  const bool scalar_per_tensor = t.shape.rank == 0 && q.axis == 0 && q.scales.size() == 1;
  if (!scalar_per_tensor && (q.axis < 0 || q.axis >= t.shape.rank)) {
    return invalid_model(who() + ": quantization axis " + std::to_string(q.axis) +
                         " is out of range for rank " + std::to_string(t.shape.rank));
  }
  if (q.scales.size() != 1 && static_cast<int64_t>(q.scales.size()) != t.shape.dims[q.axis]) {
    return invalid_model(who() + ": quantization has " + std::to_string(q.scales.size()) +
                         " scales; expected 1 or " + std::to_string(t.shape.dims[q.axis]) +
                         " (dimension " + std::to_string(q.axis) + " of shape " +
                         t.shape.to_string() + ")");
  }
  for (size_t i = 0; i < q.scales.size(); ++i) {
    if (!std::isfinite(q.scales[i]) || !(q.scales[i] > 0.0f)) {
      return invalid_model(who() + ": quantization scale " + std::to_string(i) + " is " +
                           std::to_string(q.scales[i]) + "; scales must be finite and > 0");
    }
    if (!zero_point_fits(t.dtype, q.zero_points[i])) {
      return invalid_model(who() + ": zero point " + std::to_string(q.zero_points[i]) +
                           " is out of range for " + dtype_name(t.dtype));
    }
    // TFLite's int16 quantization is symmetric (16x8 activations, LSTM/SVDF
    // state) except for one form: int8 SOFTMAX's int16 output, scale 1/65536
    // and zero point -32768. Operators check which of the two they take.
    if (t.dtype == DType::kInt16 && q.zero_points[i] != 0 && q.zero_points[i] != -32768) {
      return invalid_model(who() + ": int16 zero point " + std::to_string(q.zero_points[i]) +
                           " is neither 0 (symmetric int16) nor -32768 (an int8 SOFTMAX's "
                           "int16 output)");
    }
  }
  return Status::Ok();
}

Status check_tensor(const GraphDesc& graph, int index, const LoadOptions& options) {
  const TensorDesc& t = graph.tensors[index];
  auto who = [&] { return describe_tensor(graph, index); };
  if (!is_known_dtype(t.dtype)) {
    return invalid_model(who() + ": unknown dtype " + std::to_string(static_cast<int>(t.dtype)));
  }
  if (t.shape.rank < 0 || t.shape.rank > kMaxRank) {
    return invalid_model(who() + ": invalid rank " + std::to_string(t.shape.rank));
  }
  const int rank_limit = std::min(options.max_rank, kMaxRank);
  if (t.shape.rank > rank_limit) {
    return Status(StatusCode::kResourceExhausted,
                  who() + ": rank " + std::to_string(t.shape.rank) + " exceeds the limit of " +
                      std::to_string(rank_limit));
  }
  for (int d = 0; d < t.shape.rank; ++d) {
    if (t.shape.dims[d] < 0) {
      return invalid_model(who() + ": negative dimension " + std::to_string(t.shape.dims[d]) +
                           " in shape " + t.shape.to_string());
    }
  }
  // bit_words() (types.h) would overflow int32 on the innermost dimension.
  const bool bit_words_overflow = t.dtype == DType::kBit && t.shape.rank > 0 &&
                                  t.shape.dims[t.shape.rank - 1] > INT32_MAX - 31;
  size_t bytes = 0;
  if (bit_words_overflow || !storage_bytes(t.dtype, t.shape, &bytes)) {
    return invalid_model(who() + ": element count or byte size of shape " + t.shape.to_string() +
                         " overflows");
  }
  if (bytes > options.max_tensor_bytes) {
    return Status(StatusCode::kResourceExhausted,
                  who() + ": " + std::to_string(bytes) + " bytes exceeds max_tensor_bytes (" +
                      std::to_string(options.max_tensor_bytes) + ")");
  }
  if (t.is_variable && t.is_constant()) {
    return invalid_model(who() + ": a variable (state) tensor cannot have constant data");
  }
  if (t.is_constant() && t.data_bytes != bytes) {
    return invalid_model(who() + ": constant data has " + std::to_string(t.data_bytes) +
                         " bytes but " + dtype_name(t.dtype) + t.shape.to_string() + " needs " +
                         std::to_string(bytes) + " (buffer size mismatch" +
                         (t.dtype == DType::kInt4 ? "; int4 packs two values a byte)" : ")"));
  }
  if (t.dtype == DType::kInt4 && !t.is_constant()) {
    return invalid_model(who() + " is int4 but not constant: int4 holds constant weights only "
                               "(of CONV_2D and FULLY_CONNECTED)");
  }
  return check_quantization(graph, index);
}

// Options kinds with a padding / activation field, whatever the kind.
template <typename T, typename = void>
struct HasPadding : std::false_type {};
template <typename T>
struct HasPadding<T, std::void_t<decltype(T::padding)>> : std::true_type {};
template <typename T, typename = void>
struct HasActivation : std::false_type {};
template <typename T>
struct HasActivation<T, std::void_t<decltype(T::activation)>> : std::true_type {};

// Enum values inside options can be anything when a graph is built in code.
std::string options_enum_error(const OpOptions& options) {
  std::string error;
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (HasPadding<T>::value) {
          if (static_cast<int>(o.padding) > static_cast<int>(Padding::kValid)) {
            error = "unknown padding value " + std::to_string(static_cast<int>(o.padding));
            return;
          }
        }
        if constexpr (HasActivation<T>::value) {
          if (static_cast<int>(o.activation) > static_cast<int>(Activation::kReluN1To1)) {
            error = "unknown activation value " + std::to_string(static_cast<int>(o.activation));
          }
        }
      },
      options);
  return error;
}

bool tensor_in_range(const GraphDesc& graph, int index) {
  return index >= 0 && static_cast<size_t>(index) < graph.tensors.size();
}

// Names what to add, in C++ and C, since firmware resolvers list operators by hand.
std::string not_resolved_message(OpType type) {
  const std::string name = op_enumerator_name(type);
  return std::string(op_type_name(type)) + " is not in the op resolver (add k" + name +
         "Op to a MutableOpResolver; C: lowbit_op_" + name + "())";
}

// int4 is a storage form for weights: the operators that take it unpack it
// once at prepare. Everything else refuses it here, whatever its resolver.
bool takes_int4_weights(OpType type) {
  return type == OpType::kConv2D || type == OpType::kFullyConnected;
}
constexpr size_t kWeightsInput = 1;

Status check_int4_uses(const GraphDesc& graph, int op_index) {
  const OperatorDesc& op = graph.operators[op_index];
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const int t = op.inputs[i];
    if (t == kAbsentInput || graph.tensors[t].dtype != DType::kInt4) continue;
    if (takes_int4_weights(op.type) && i == kWeightsInput) continue;
    return invalid_model(describe_operator(graph, op_index) + ": input " + std::to_string(i) +
                         " " + describe_tensor(graph, t) +
                         " is int4; only the weights (input 1) of CONV_2D and FULLY_CONNECTED "
                         "may be int4");
  }
  return Status::Ok();
}

std::string range_text(const GraphDesc& graph) {
  return "(graph has " + std::to_string(graph.tensors.size()) + " tensors)";
}

}  // namespace

Status validate_graph_structure(const GraphDesc& graph, const LoadOptions& options) {
  if (graph.tensors.size() > static_cast<size_t>(INT32_MAX)) {
    return invalid_model("graph has too many tensors");
  }
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    LOWBIT_RETURN_IF_ERROR(check_tensor(graph, static_cast<int>(i), options));
  }

  std::vector<char> is_graph_input(graph.tensors.size(), 0);
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const int t = graph.inputs[i];
    if (!tensor_in_range(graph, t)) {
      return invalid_model("graph input " + std::to_string(i) + " is tensor " +
                           std::to_string(t) + ", out of range " + range_text(graph));
    }
    if (graph.tensors[t].is_constant() || graph.tensors[t].is_variable) {
      return invalid_model("graph input " + std::to_string(i) + " is " + describe_tensor(graph, t) +
                           (graph.tensors[t].is_variable ? ", which is a variable (state) tensor"
                                                         : ", which is a constant"));
    }
    is_graph_input[t] = 1;
  }

  // producer[t] = index of the operator writing t, or -1. Filled in execution
  // order, so "defined" at operator k means produced by an operator before k.
  std::vector<int> producer(graph.tensors.size(), -1);
  for (size_t k = 0; k < graph.operators.size(); ++k) {
    const int op_index = static_cast<int>(k);
    const OperatorDesc& op = graph.operators[k];
    auto who = [&] { return describe_operator(graph, op_index); };
    if (!is_known_op_type(op.type)) {
      return invalid_model(who() + ": unknown operator type " +
                           std::to_string(static_cast<int>(op.type)));
    }
    const OpOptions expected = default_options(op.type);
    if (op.options.index() != expected.index()) {
      return invalid_model(who() + ": options type mismatch: has " + options_kind_name(op.options) +
                           ", expected " + options_kind_name(expected));
    }
    const std::string enum_error = options_enum_error(op.options);
    if (!enum_error.empty()) return invalid_model(who() + ": options: " + enum_error);
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      const int t = op.inputs[i];
      if (t == kAbsentInput) continue;
      if (!tensor_in_range(graph, t)) {
        return invalid_model(who() + ": input " + std::to_string(i) + " is tensor " +
                             std::to_string(t) + ", out of range " + range_text(graph));
      }
      // State tensors are defined from the start (their reset value).
      if (graph.tensors[t].is_constant() || graph.tensors[t].is_variable || is_graph_input[t]) {
        continue;
      }
      if (producer[t] < 0) {
        return invalid_model(who() + ": input " + std::to_string(i) + " " +
                             describe_tensor(graph, t) +
                             " is used before any operator produces it (cycle or wrong order)");
      }
    }
    LOWBIT_RETURN_IF_ERROR(check_int4_uses(graph, op_index));
    if (op.outputs.empty()) return invalid_model(who() + ": has no outputs");
    for (size_t i = 0; i < op.outputs.size(); ++i) {
      const int t = op.outputs[i];
      if (!tensor_in_range(graph, t)) {
        return invalid_model(who() + ": output " + std::to_string(i) + " is tensor " +
                             std::to_string(t) + ", out of range " + range_text(graph));
      }
      if (graph.tensors[t].is_constant() || graph.tensors[t].is_variable) {
        return invalid_model(who() + ": output " + std::to_string(i) + " " +
                             describe_tensor(graph, t) +
                             (graph.tensors[t].is_variable ? " is a variable (state) tensor"
                                                           : " is a constant"));
      }
      if (is_graph_input[t]) {
        return invalid_model(who() + ": output " + std::to_string(i) + " " +
                             describe_tensor(graph, t) + " is a graph input");
      }
      if (producer[t] >= 0) {
        return invalid_model(who() + ": output " + std::to_string(i) + " " +
                             describe_tensor(graph, t) + " is already produced by " +
                             describe_operator(graph, producer[t]));
      }
      producer[t] = op_index;
    }
  }

  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    const int t = graph.outputs[i];
    if (!tensor_in_range(graph, t)) {
      return invalid_model("graph output " + std::to_string(i) + " is tensor " +
                           std::to_string(t) + ", out of range " + range_text(graph));
    }
    if (producer[t] < 0 && !is_graph_input[t]) {
      return invalid_model("graph output " + std::to_string(i) + " " + describe_tensor(graph, t) +
                           " is never produced by an operator");
    }
  }
  return Status::Ok();
}

Status validate_operators(const GraphDesc& graph, const OpResolver& resolver,
                          std::vector<const OpRegistration*>* registrations) {
  if (registrations != nullptr) registrations->assign(graph.operators.size(), nullptr);
  std::vector<Shape> inferred;
  for (size_t k = 0; k < graph.operators.size(); ++k) {
    const int op_index = static_cast<int>(k);
    const OperatorDesc& op = graph.operators[k];
    const OpRegistration* reg = resolver.find(op.type);
    if (reg == nullptr || reg->validate == nullptr) {
      return Status(StatusCode::kUnsupported,
                    describe_operator(graph, op_index) + ": " + not_resolved_message(op.type));
    }
    inferred.assign(op.outputs.size(), Shape());
    Status status = reg->validate(graph, op, inferred.data());
    if (status.ok()) status = check_scale_ratios(graph, op);
    if (!status.ok()) {
      return Status(status.code(), describe_operator(graph, op_index) + ": " + status.message());
    }
    for (size_t i = 0; i < op.outputs.size(); ++i) {
      const Shape& declared = graph.tensors[op.outputs[i]].shape;
      if (inferred[i] != declared) {
        return invalid_model(describe_operator(graph, op_index) + ": output " +
                             std::to_string(i) + " " + describe_tensor(graph, op.outputs[i]) +
                             " is declared " + declared.to_string() + " but the operator yields " +
                             inferred[i].to_string() + " (output shape mismatch)");
      }
    }
    if (registrations != nullptr) (*registrations)[k] = reg;
  }
  return Status::Ok();
}

Status validate_graph(const GraphDesc& graph, const LoadOptions& options,
                      std::vector<const OpRegistration*>* registrations) {
  LOWBIT_RETURN_IF_ERROR(validate_graph_structure(graph, options));
  const OpResolver& resolver =
      options.op_resolver != nullptr ? *options.op_resolver : default_op_resolver();
  return validate_operators(graph, resolver, registrations);
}

}  // namespace lowbit
