#include "ops/binary_util.h"

#include <cmath>
#include <limits>
#include <string>

#include "ops/op_util.h"

namespace lowbit {
namespace {

const char* mode_name(ref::BinOutputMode mode) {
  switch (mode) {
    case ref::BinOutputMode::kFloat32: return "float32";
    case ref::BinOutputMode::kInt8: return "int8";
    case ref::BinOutputMode::kBit: return "bit";
  }
  return "?";
}

bool present(const OperatorDesc& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] != kAbsentInput;
}

const char* operand_role(size_t i) {
  switch (i) {
    case kBinMultiplier: return "post-activation multiplier";
    case kBinBias: return "post-activation bias";
    case kBinThreshold: return "output threshold";
  }
  return "operand";
}

// A constant rank-1 vector of `length` elements of `dtype`.
Status check_channel_vector(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                            int32_t length) {
  const std::string who = describe_input(graph, op, i) + " (" + operand_role(i) + ")";
  const TensorDesc& t = graph.tensors[op.inputs[i]];
  if (t.dtype != dtype) {
    return invalid(who + " has dtype " + dtype_name(t.dtype) + ", expected " + dtype_name(dtype));
  }
  if (t.shape.rank != 1 || t.shape[0] != length) {
    return invalid(who + " has shape " + t.shape.to_string() + ", expected [" +
                   std::to_string(length) + "] (one per output channel)");
  }
  if (!t.is_constant()) return invalid(who + " must be a constant tensor");
  if (t.data_bytes < size_t(length) * 4) {
    return invalid(who + " holds " + std::to_string(t.data_bytes) + " bytes, expected " +
                   std::to_string(size_t(length) * 4));
  }
  if (dtype == DType::kFloat32) {
    const float* v = static_cast<const float*>(t.data);
    for (int32_t c = 0; c < length; ++c) {
      if (!std::isfinite(v[c])) {
        return invalid(who + " has a non-finite value at channel " + std::to_string(c));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status bin_output_mode(const GraphDesc& graph, const OperatorDesc& op, ref::BinOutputMode* mode) {
  switch (graph.tensors[op.outputs[0]].dtype) {
    case DType::kFloat32: *mode = ref::BinOutputMode::kFloat32; return Status::Ok();
    case DType::kInt8: *mode = ref::BinOutputMode::kInt8; return Status::Ok();
    case DType::kBit: *mode = ref::BinOutputMode::kBit; return Status::Ok();
    default:
      return check_dtype(graph, op, false, 0, {DType::kFloat32, DType::kInt8, DType::kBit});
  }
}

Status validate_bin_output_operands(const GraphDesc& graph, const OperatorDesc& op,
                                    int32_t out_channels, Activation activation) {
  ref::BinOutputMode mode;
  LOWBIT_RETURN_IF_ERROR(bin_output_mode(graph, op, &mode));
  const bool bit = mode == ref::BinOutputMode::kBit;
  for (size_t i : {kBinMultiplier, kBinBias, kBinThreshold}) {
    const bool wanted = bit == (i == kBinThreshold);
    if (wanted && !present(op, i)) {
      return invalid(std::string("input ") + std::to_string(i) + " (" + operand_role(i) +
                     ") is required for " + mode_name(mode) + " output");
    }
    if (!wanted && present(op, i)) {
      return invalid(describe_input(graph, op, i) + " (" + operand_role(i) +
                     ") must be absent for " + mode_name(mode) + " output");
    }
    if (wanted) {
      LOWBIT_RETURN_IF_ERROR(check_channel_vector(
          graph, op, i, i == kBinThreshold ? DType::kInt32 : DType::kFloat32, out_channels));
    }
  }
  if (bit && activation != Activation::kNone) {
    return invalid(std::string("fused activation ") + activation_name(activation) +
                   " is not supported with bit output (fold it into the thresholds)");
  }
  if (mode == ref::BinOutputMode::kInt8) {
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  }
  return Status::Ok();
}

Status check_positive_dims(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                           size_t i) {
  const TensorDesc& t = graph.tensors[is_input ? op.inputs[i] : op.outputs[i]];
  for (int d = 0; d < t.shape.rank; ++d) {
    if (t.shape[d] < 1) {
      return invalid((is_input ? describe_input(graph, op, i) : describe_output(graph, op, i)) +
                     " has shape " + t.shape.to_string() + ": every dimension must be >= 1");
    }
  }
  return Status::Ok();
}

void bin_activation_range(Activation activation, int32_t* act_min, int32_t* act_max) {
  *act_min = std::numeric_limits<int32_t>::min();
  *act_max = std::numeric_limits<int32_t>::max();
  switch (activation) {
    case Activation::kNone: break;
    case Activation::kRelu: *act_min = 0; break;
    case Activation::kRelu6: *act_min = 0; *act_max = 6; break;
    case Activation::kReluN1To1: *act_min = -1; *act_max = 1; break;
  }
}

Status prepare_bin_output_transform(PrepareContext& ctx, int32_t out_channels, int32_t k,
                                    Activation activation, ref::BinOutputTransform* transform) {
  const GraphDesc& graph = ctx.graph();
  const OperatorDesc& op = ctx.op();
  LOWBIT_RETURN_IF_ERROR(bin_output_mode(graph, op, &transform->mode));
  if (transform->mode == ref::BinOutputMode::kBit) {
    transform->threshold = static_cast<const int32_t*>(ctx.input(kBinThreshold).data);
    return Status::Ok();
  }
  double scale = 1.0, zero_point = 0.0;
  if (transform->mode == ref::BinOutputMode::kInt8) {
    const TensorDesc& out = ctx.output(0);
    scale = out.quant.scales[0];
    zero_point = out.quant.zero_points[0];
  }
  float* folded = static_cast<float*>(ctx.allocate_persistent(2 * size_t(out_channels) * 4));
  if (folded == nullptr) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate the folded output transform");
  }
  int32_t act_min, act_max;
  bin_activation_range(activation, &act_min, &act_max);
  if (!ref::fold_bin_output_transform(
          static_cast<const float*>(ctx.input(kBinMultiplier).data),
          static_cast<const float*>(ctx.input(kBinBias).data), out_channels, k, scale, zero_point,
          act_min, act_max, folded, folded + out_channels, &transform->clamp_min,
          &transform->clamp_max)) {
    return invalid("folding the post-activation multiplier and bias (bias + K*multiplier, "
                   "divided by the scale of " + describe_output(graph, op, 0) +
                   " for int8) overflows float");
  }
  transform->multiplier = folded;
  transform->bias = folded + out_channels;
  return Status::Ok();
}

Status BinConvOpKernel::prepare_driver(PrepareContext& ctx, const char* family, int32_t k,
                                       Activation activation, bool same_padding,
                                       uint64_t pixels) {
  LOWBIT_RETURN_IF_ERROR(
      prepare_bin_output_transform(ctx, p_.out_channels, k, activation, &p_.transform));
  LOWBIT_RETURN_IF_ERROR(driver_.prepare(
      ctx, family, static_cast<const uint32_t*>(ctx.input(kBinWeights).data), same_padding, &p_));
  macs_ = pixels * uint64_t(p_.out_channels) * uint64_t(k);
  return Status::Ok();
}

Status BinConvOpKernel::run(const RunContext& ctx) {
  driver_.run(ctx.pool(), p_, ctx.input_as<uint32_t>(kBinInput), ctx.input_as<uint32_t>(kBinWeights),
              ctx.output(0), ctx.scratch());
  return Status::Ok();
}

}  // namespace lowbit
