#include "ops/conv2d_common.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "kernels/reference/weighted_scales.h"
#include "ops/int4_weights.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate_float_operands(const GraphDesc& graph, const OperatorDesc& op) {
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    if (op.inputs[i] == kAbsentInput) continue;
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {DType::kFloat32}));
  }
  return check_dtype(graph, op, false, 0, {DType::kFloat32});
}

Status validate_weight_quantization(const GraphDesc& graph, const OperatorDesc& op,
                                    const WeightedOperands& operands) {
  const TensorDesc& w = graph.tensors[op.inputs[1]];
  if (w.dtype == DType::kUInt8 || w.quant.scales.size() <= 1) {
    return check_per_tensor_quant(graph, op, true, 1);
  }
  const std::string who = describe_input(graph, op, 1);
  const size_t channels = static_cast<size_t>(operands.output_channels);
  if (w.quant.axis != operands.weights_channel_axis) {
    return invalid(who + " is quantized along axis " + std::to_string(w.quant.axis) +
                   ", expected its output-channel axis " +
                   std::to_string(operands.weights_channel_axis));
  }
  if (w.quant.scales.size() != channels || w.quant.zero_points.size() != channels) {
    return invalid(who + " has " + std::to_string(w.quant.scales.size()) + " scales and " +
                   std::to_string(w.quant.zero_points.size()) + " zero points, expected " +
                   std::to_string(channels) + " (one per output channel)");
  }
  for (size_t c = 0; c < channels; ++c) {
    const float s = w.quant.scales[c];
    if (!(s > 0.0f) || !std::isfinite(s)) {
      return invalid(who + " has invalid scale " + std::to_string(s) + " for channel " +
                     std::to_string(c));
    }
  }
  return Status::Ok();
}

Status validate_weight_zero_points(const GraphDesc& graph, const OperatorDesc& op) {
  const TensorDesc& w = graph.tensors[op.inputs[1]];
  if (w.dtype != DType::kInt8 && w.dtype != DType::kInt4) return Status::Ok();
  for (size_t c = 0; c < w.quant.zero_points.size(); ++c) {
    if (w.quant.zero_points[c] != 0) {
      return invalid(describe_input(graph, op, 1) + " has zero point " +
                     std::to_string(w.quant.zero_points[c]) + " at channel " +
                     std::to_string(c) + "; " + dtype_name(w.dtype) +
                     " weights must be symmetric (zero point 0)");
    }
  }
  return Status::Ok();
}

Status validate_bias(const GraphDesc& graph, const OperatorDesc& op,
                     std::initializer_list<DType> dtypes, int32_t output_channels) {
  if (op.inputs.size() < 3 || op.inputs[2] == kAbsentInput) return Status::Ok();
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 2, dtypes));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 2, 1));
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, 2));
  const TensorDesc& bias = graph.tensors[op.inputs[2]];
  if (bias.shape[0] != output_channels) {
    return invalid(describe_input(graph, op, 2) + " has " + std::to_string(bias.shape[0]) +
                   " elements, expected " + std::to_string(output_channels) +
                   " (one per output channel)");
  }
  return Status::Ok();
}

// 16x8 (TFLite's int16 activations, int8 weights): the activations are
// symmetric, so no kernel subtracts a zero point.
Status validate_16x8_operands(const GraphDesc& graph, const OperatorDesc& op,
                              const WeightedOperands& operands) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1, {DType::kInt8}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt16}));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  for (bool is_input : {true, false}) {
    const TensorDesc& t = graph.tensors[is_input ? op.inputs[0] : op.outputs[0]];
    if (t.quant.zero_points[0] != 0) {
      return invalid((is_input ? describe_input(graph, op, 0) : describe_output(graph, op, 0)) +
                     " has zero point " + std::to_string(t.quant.zero_points[0]) +
                     "; int16 activations must be symmetric (zero point 0)");
    }
  }
  LOWBIT_RETURN_IF_ERROR(validate_weight_quantization(graph, op, operands));
  LOWBIT_RETURN_IF_ERROR(validate_weight_zero_points(graph, op));
  // TFLite's 16x8 kernels take an int64 bias; its converter can also emit int32.
  return validate_bias(graph, op, {DType::kInt64, DType::kInt32}, operands.output_channels);
}

}  // namespace

Status validate_weighted_operands(const GraphDesc& graph, const OperatorDesc& op,
                                  const WeightedOperands& operands) {
  LOWBIT_RETURN_IF_ERROR(
      check_dtype(graph, op, true, 0,
                  {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat32}));
  const DType dtype = graph.tensors[op.inputs[0]].dtype;
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, 1));
  // W4A8: int4 weights (unpacked to int8 at prepare) with int8 activations only.
  const DType weights_dtype = graph.tensors[op.inputs[1]].dtype;
  if (weights_dtype == DType::kInt4 && dtype != DType::kInt8) {
    return invalid(describe_input(graph, op, 1) + " is int4, which needs int8 activations (W4A8); " +
                   describe_input(graph, op, 0) + " is " + dtype_name(dtype));
  }
  if (dtype == DType::kFloat32) {
    LOWBIT_RETURN_IF_ERROR(validate_float_operands(graph, op));
    return validate_bias(graph, op, {DType::kFloat32}, operands.output_channels);
  }
  if (dtype == DType::kInt16) return validate_16x8_operands(graph, op, operands);
  // Mixed int8/uint8 models do not exist in TFLite: activations and weights agree.
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 1,
                                     {weights_dtype == DType::kInt4 ? DType::kInt4 : dtype}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {dtype}));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  LOWBIT_RETURN_IF_ERROR(validate_weight_quantization(graph, op, operands));
  LOWBIT_RETURN_IF_ERROR(validate_weight_zero_points(graph, op));
  return validate_bias(graph, op, {DType::kInt32}, operands.output_channels);
}

namespace {

// What channel_real_multiplier needs, looked up once per layer: the lookups
// through the context cost more than the arithmetic when repeated for every
// channel of every layer at load.
struct ChannelScales {
  float input_scale, output_scale;
  const std::vector<float>* weight_scales;
  bool float_product;  // in·w formed in float

  ChannelScales(const PrepareContext& ctx, MultiplierRule rule)
      : input_scale(ctx.input(0).quant.scales[0]),
        output_scale(ctx.output(0).quant.scales[0]),
        weight_scales(&ctx.input(1).quant.scales),
        float_product(rule == MultiplierRule::kFloatProductPerTensor ||
                      ctx.input(0).dtype == DType::kUInt8) {}

  float weight_scale(int32_t channel) const {
    return weight_scales->size() > 1 ? (*weight_scales)[size_t(channel)] : (*weight_scales)[0];
  }
  double real_multiplier(int32_t channel) const {
    return ref::weighted_real_multiplier(input_scale, weight_scale(channel), output_scale,
                                         float_product);
  }
};

}  // namespace

namespace {

// Stored requantizers are used only in the ranges quantize_multiplier gives
// the scales of real layers; anything else is recomputed from the scales.
bool requantizers_in_range(const ref::Requantizer* r, int32_t channels) {
  for (int32_t c = 0; c < channels; ++c) {
    if (r[c].multiplier < 0 || r[c].shift < -31 || r[c].shift > 30 ||
        !(r[c].scale >= 0.0f && r[c].scale <= FLT_MAX)) {
      return false;
    }
  }
  return true;
}

}  // namespace

const ref::Requantizer* make_channel_requantizers(PrepareContext& ctx, MultiplierRule rule,
                                                  int32_t output_channels) {
  static_assert(sizeof(ref::Requantizer) == 12, "stored as three 4-byte fields per channel");
  const size_t bytes = sizeof(ref::Requantizer) * size_t(output_channels);
  const std::string key = "requantizers.v1 profile=" + std::to_string(int(ctx.profile())) +
                          " rule=" + std::to_string(int(rule)) +
                          " n=" + std::to_string(output_channels);
  if (const void* stored = ctx.find_prepared(key, bytes)) {
    const auto* r = static_cast<const ref::Requantizer*>(stored);
    if (requantizers_in_range(r, output_channels)) return r;
  }
  auto* requantizers = static_cast<ref::Requantizer*>(ctx.allocate_persistent(bytes));
  if (requantizers == nullptr) return nullptr;
  const ChannelScales scales(ctx, rule);
  const RequantProfile profile = ctx.profile();
  for (int32_t c = 0; c < output_channels; ++c) {
    const float fp32_scale =
        ref::weighted_fp32_scale(scales.input_scale, scales.weight_scale(c), scales.output_scale);
    requantizers[c] = ref::make_requantizer(profile, scales.real_multiplier(c), fp32_scale);
  }
  ctx.offer_prepared(key, requantizers, bytes);
  return requantizers;
}

double channel_real_multiplier(const PrepareContext& ctx, MultiplierRule rule, int32_t channel) {
  return ChannelScales(ctx, rule).real_multiplier(channel);
}

namespace {

// Adds sum over taps of |w - zero_point| to sums[c] for every channel,
// visiting the weights in memory order with 32-bit partial sums so the
// compiler vectorizes the loops: this runs over every weight at load.
// 2^16 taps of |w - zp| <= 255 fit a partial sum.
constexpr size_t kTapsPerPartialSum = size_t{1} << 16;

template <typename T>
void add_abs_weight_sums(const WeightsLayout& layout, int32_t channels, const T* w,
                         int32_t zero_point, int64_t* sums) {
  const size_t n = size_t(channels);
  if (layout.tap_stride == 1) {  // a channel's taps are contiguous
    for (size_t c = 0; c < n; ++c) {
      const T* row = w + c * layout.channel_stride;
      for (size_t t0 = 0; t0 < layout.taps; t0 += kTapsPerPartialSum) {
        const size_t t1 = std::min(layout.taps, t0 + kTapsPerPartialSum);
        int32_t partial = 0;
        for (size_t t = t0; t < t1; ++t) partial += std::abs(int32_t(row[t]) - zero_point);
        sums[c] += partial;
      }
    }
    return;
  }
  if (layout.channel_stride == 1) {  // a tap's channels are contiguous (depthwise)
    std::vector<int32_t> partial(n);
    for (size_t t0 = 0; t0 < layout.taps; t0 += kTapsPerPartialSum) {
      std::fill(partial.begin(), partial.end(), 0);
      const size_t t1 = std::min(layout.taps, t0 + kTapsPerPartialSum);
      for (size_t t = t0; t < t1; ++t) {
        const T* column = w + t * layout.tap_stride;
        for (size_t c = 0; c < n; ++c) partial[c] += std::abs(int32_t(column[c]) - zero_point);
      }
      for (size_t c = 0; c < n; ++c) sums[c] += partial[c];
    }
    return;
  }
  for (size_t c = 0; c < n; ++c) {
    for (size_t t = 0; t < layout.taps; ++t) {
      sums[c] += std::abs(int32_t(w[c * layout.channel_stride + t * layout.tap_stride]) - zero_point);
    }
  }
}

}  // namespace

Status check_accumulator_range(PrepareContext& ctx, const WeightsLayout& layout,
                               int32_t output_channels) {
  const TensorDesc& input = ctx.input(0);
  const TensorDesc& weights = ctx.input(1);
  const bool is_uint8 = input.dtype == DType::kUInt8;
  const int64_t input_zp = input.quant.zero_points[0];
  const std::string key = std::string("accumulator_range.v1 ") + dtype_name(input.dtype) +
                          " zx=" + std::to_string(input_zp);
  if (ctx.find_prepared(key, 0) != nullptr) return Status::Ok();
  const int64_t max_input = is_uint8 ? std::max<int64_t>(input_zp, 255 - input_zp)
                                     : std::max<int64_t>(input_zp + 128, 127 - input_zp);
  const int32_t* bias = ctx.has_input(2) ? static_cast<const int32_t*>(ctx.input(2).data)
                                         : nullptr;
  std::vector<int64_t> weight_sums(size_t(std::max(output_channels, 0)), 0);
  if (is_uint8) {
    add_abs_weight_sums(layout, output_channels, static_cast<const uint8_t*>(weights.data),
                        weights.quant.zero_points[0], weight_sums.data());
  } else if (weights.dtype == DType::kInt4) {
    const auto* nibbles = static_cast<const uint8_t*>(weights.data);
    for (int32_t c = 0; c < output_channels; ++c) {
      for (size_t t = 0; t < layout.taps; ++t) {
        const size_t at = size_t(c) * layout.channel_stride + t * layout.tap_stride;
        weight_sums[size_t(c)] += std::abs(int32_t(int4_element(nibbles, at)));
      }
    }
  } else {
    add_abs_weight_sums(layout, output_channels, static_cast<const int8_t*>(weights.data), 0,
                        weight_sums.data());
  }
  for (int32_t c = 0; c < output_channels; ++c) {
    const int64_t bound =
        weight_sums[size_t(c)] * max_input + (bias ? std::llabs(bias[c]) : 0);
    if (bound > std::numeric_limits<int32_t>::max()) {
      return Status(StatusCode::kUnsupported,
                    "the int32 accumulator of output channel " + std::to_string(c) +
                        " can overflow (bound " + std::to_string(bound) + ")");
    }
  }
  ctx.offer_prepared(key, nullptr, 0);
  return Status::Ok();
}

}  // namespace lowbit
