#include "micro/ops/weighted.h"

#include <cmath>

#include "kernels/reference/padded_dim.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/weighted_scales.h"

namespace lowbit {
namespace micro {
namespace {

constexpr int kPaddingSame = 0, kPaddingValid = 1;  // schema/lowbit.fbs Padding

bool per_tensor(const TensorView& t) { return t.scales == 1 && t.zero_point_vector.count == 1; }

lowbit_status check_weights(PrepareContext& ctx, const WeightedOperands& o, int weights_rank,
                            int channel_axis) {
  const TensorView& w = o.weights;
  if (w.dtype != LOWBIT_INT8) {
    return ctx.fail(LOWBIT_UNSUPPORTED, w, " is ", dtype_name(w.dtype),
                    "; lowbit micro takes int8 weights only");
  }
  if (w.rank != weights_rank) {
    return ctx.fail(LOWBIT_INVALID_MODEL, w, " has rank ", w.rank, ", expected ", weights_rank);
  }
  if (w.constant == nullptr) {
    return ctx.fail(LOWBIT_UNSUPPORTED, w, " is not constant; lowbit micro needs constant weights");
  }
  if (w.elements() == 0) return ctx.fail(LOWBIT_INVALID_MODEL, w, " is empty");
  if (w.scales <= 1) {
    if (!per_tensor(w)) {
      return ctx.fail(LOWBIT_INVALID_MODEL, w,
                      " needs per-tensor quantization (one scale and one zero point) or one "
                      "per output channel");
    }
  } else {
    if (w.axis != channel_axis) {
      return ctx.fail(LOWBIT_INVALID_MODEL, w, " is quantized along axis ", w.axis,
                      ", expected its output-channel axis ", channel_axis);
    }
    if (w.zero_point_vector.count != w.scales) {
      return ctx.fail(LOWBIT_INVALID_MODEL, w, " has ", w.scales, " scales and ",
                      w.zero_point_vector.count, " zero points");
    }
    for (uint32_t c = 0; c < w.scales; ++c) {
      const float s = ctx.scale(w, c);
      if (!(s > 0.0f) || !std::isfinite(s)) {
        return ctx.fail(LOWBIT_INVALID_MODEL, w, " has an invalid scale for channel ", c);
      }
    }
  }
  for (uint32_t c = 0; c < w.scales; ++c) {
    if (ctx.zero_point(w, c) != 0) {
      return ctx.fail(LOWBIT_INVALID_MODEL, w, " has zero point ", ctx.zero_point(w, c),
                      " at channel ", c, "; int8 weights must be symmetric (zero point 0)");
    }
  }
  return LOWBIT_OK;
}

lowbit_status check_bias(PrepareContext& ctx, const WeightedOperands& o) {
  const TensorView& b = o.bias;
  if (b.dtype != LOWBIT_INT32) {
    return ctx.fail(LOWBIT_UNSUPPORTED, b, " is ", dtype_name(b.dtype),
                    "; int8 layers take an int32 bias");
  }
  if (b.rank != 1 || b.dims[0] != o.output_channels) {
    return ctx.fail(LOWBIT_INVALID_MODEL, b, " must have shape [", o.output_channels,
                    "] (one value per output channel)");
  }
  if (b.constant == nullptr) {
    return ctx.fail(LOWBIT_UNSUPPORTED, b, " is not constant; lowbit micro needs a constant bias");
  }
  return LOWBIT_OK;
}

}  // namespace

lowbit_status read_weighted_operands(PrepareContext& ctx, uint8_t options_type, int weights_rank,
                                     int channel_axis, WeightedOperands* operands) {
  WeightedOperands& o = *operands;
  if (ctx.num_inputs() < 2 || ctx.num_inputs() > 3 || ctx.num_outputs() != 1) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "expects 2 or 3 inputs and 1 output, has ",
                    ctx.num_inputs(), " and ", ctx.num_outputs());
  }
  lowbit_status status = check_options_type(ctx, options_type, true);
  if (status != LOWBIT_OK) return status;
  if (!ctx.has_input(0) || !ctx.has_input(1)) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "needs its input and weights (an input is absent)");
  }
  o.input = ctx.input(0);
  o.weights = ctx.input(1);
  o.output = ctx.output(0);
  o.has_bias = ctx.has_input(2);
  status = check_int8_per_tensor(ctx, o.input);
  if (status == LOWBIT_OK) status = check_int8_per_tensor(ctx, o.output);
  if (status == LOWBIT_OK) status = check_weights(ctx, o, weights_rank, channel_axis);
  if (status != LOWBIT_OK) return status;
  o.output_channels = o.weights.dims[channel_axis];
  o.weight_data = static_cast<const int8_t*>(o.weights.constant);
  if (o.has_bias) {
    o.bias = ctx.input(2);
    status = check_bias(ctx, o);
    if (status != LOWBIT_OK) return status;
    o.bias_data = static_cast<const int32_t*>(o.bias.constant);
  }
  return LOWBIT_OK;
}

lowbit_status check_accumulator_range(PrepareContext& ctx, const WeightedOperands& o,
                                      size_t channel_stride, size_t tap_stride, size_t taps) {
  const int64_t zp = ctx.zero_point(o.input);
  const int64_t max_input = zp + 128 > 127 - zp ? zp + 128 : 127 - zp;
  // Sums of |w| <= 128 in uint32 pieces of 2^24 taps (no overflow): the
  // contiguous case vectorizes, and lowbit_micro_arena_size runs this too.
  constexpr size_t kPiece = size_t(1) << 24;
  for (int32_t c = 0; c < o.output_channels; ++c) {
    const int8_t* w = o.weight_data + size_t(c) * channel_stride;
    int64_t weight_sum = 0;
    for (size_t t0 = 0; t0 < taps; t0 += kPiece) {
      const size_t n = taps - t0 < kPiece ? taps - t0 : kPiece;
      uint32_t piece = 0;
      if (tap_stride == 1) {
        for (size_t t = 0; t < n; ++t) piece += uint32_t(w[t0 + t] < 0 ? -w[t0 + t] : w[t0 + t]);
      } else {
        for (size_t t = 0; t < n; ++t) {
          const int32_t v = w[(t0 + t) * tap_stride];
          piece += uint32_t(v < 0 ? -v : v);
        }
      }
      weight_sum += piece;
    }
    const int64_t bias = o.bias_data ? int64_t(o.bias_data[c]) : 0;
    const int64_t bound = weight_sum * max_input + (bias < 0 ? -bias : bias);
    if (bound > INT32_MAX) {
      return ctx.fail(LOWBIT_UNSUPPORTED, "the int32 accumulator of output channel ", c,
                      " can overflow (bound ", bound, ") with ", o.weights);
    }
  }
  return LOWBIT_OK;
}

lowbit_status make_requant_params(PrepareContext& ctx, const WeightedOperands& o, int activation,
                                  ScaleProduct product, size_t padded_channels,
                                  Qs8GemmParams* params) {
  void* multiplier = nullptr;
  void* shift = nullptr;
  void* scale = nullptr;
  if (!ctx.allocate(padded_channels * sizeof(int32_t), &multiplier) ||
      !ctx.allocate(padded_channels * sizeof(int32_t), &shift) ||
      !ctx.allocate(padded_channels * sizeof(float), &scale)) {
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  const int32_t output_zero_point = ctx.zero_point(o.output);
  params->profile = ctx.profile();
  params->output_zero_point = output_zero_point;
  int8_activation_range(ctx, activation, o.output, &params->output_min, &params->output_max);
  params->multiplier = static_cast<const int32_t*>(multiplier);
  params->shift = static_cast<const int32_t*>(shift);
  params->scale = static_cast<const float*>(scale);
  if (ctx.sizing()) return LOWBIT_OK;
  auto* m = static_cast<int32_t*>(multiplier);
  auto* s = static_cast<int32_t*>(shift);
  auto* f = static_cast<float*>(scale);
  const float input_scale = ctx.scale(o.input), output_scale = ctx.scale(o.output);
  for (size_t c = 0; c < padded_channels; ++c) {
    m[c] = s[c] = 0;
    f[c] = 0.0f;
    if (c >= size_t(o.output_channels)) continue;
    const float weight_scale = ctx.scale(o.weights, o.weights.scales > 1 ? uint32_t(c) : 0);
    const double real = ref::weighted_real_multiplier(input_scale, weight_scale, output_scale,
                                                      product == ScaleProduct::kFloat);
    const ref::Requantizer r = ref::make_requantizer(
        ctx.profile(), real, ref::weighted_fp32_scale(input_scale, weight_scale, output_scale));
    m[c] = r.multiplier;
    s[c] = r.shift;
    f[c] = r.scale;
  }
  return LOWBIT_OK;
}

lowbit_status compute_window(PrepareContext& ctx, const WeightedOperands& o, int32_t kernel_h,
                             int32_t kernel_w, int32_t output_c, Window* window) {
  const TensorView& in = o.input;
  if (in.rank != 4) {
    return ctx.fail(LOWBIT_INVALID_MODEL, in, " has rank ", in.rank, ", expected 4 (NHWC)");
  }
  if (in.elements() == 0) return ctx.fail(LOWBIT_INVALID_MODEL, in, " is empty");
  // CONV_2D's and DEPTHWISE_CONV_2D's options share these five ids.
  namespace f = field::conv2d;
  const int padding = ctx.option<int8_t>(f::kPadding, kPaddingValid);
  if (padding != kPaddingSame && padding != kPaddingValid) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "has unknown padding ", padding);
  }
  Window& w = *window;
  w.batch = in.dims[0];
  w.input_h = in.dims[1];
  w.input_w = in.dims[2];
  w.input_c = in.dims[3];
  w.output_c = output_c;
  w.kernel_h = kernel_h;
  w.kernel_w = kernel_w;
  w.stride_h = ctx.option<int32_t>(f::kStrideH, 1);
  w.stride_w = ctx.option<int32_t>(f::kStrideW, 1);
  w.dilation_h = ctx.option<int32_t>(f::kDilationH, 1);
  w.dilation_w = ctx.option<int32_t>(f::kDilationW, 1);
  ref::WindowDim h, x;
  const ref::WindowError errors[2] = {
      ref::window_dim(w.input_h, kernel_h, w.stride_h, w.dilation_h, padding == kPaddingSame, &h),
      ref::window_dim(w.input_w, kernel_w, w.stride_w, w.dilation_w, padding == kPaddingSame, &x)};
  for (int d = 0; d < 2; ++d) {
    const char* what = d == 0 ? "height" : "width";
    switch (errors[d]) {
      case ref::WindowError::kNone:
        break;
      case ref::WindowError::kBadParameters:
        return ctx.fail(LOWBIT_INVALID_MODEL, what, ": kernel, stride and dilation must all be >= 1");
      case ref::WindowError::kExtentOverflow:
        return ctx.fail(LOWBIT_INVALID_MODEL, what, ": the dilated kernel extent overflows");
      case ref::WindowError::kExtentExceedsInput:
        return ctx.fail(LOWBIT_INVALID_MODEL, what, ": the dilated kernel exceeds ", in,
                        " with VALID padding");
    }
  }
  w.output_h = h.out;
  w.output_w = x.out;
  w.pad_top = h.pad_before;
  w.pad_left = x.pad_before;
  const TensorView& out = o.output;
  const int32_t expected[4] = {w.batch, w.output_h, w.output_w, w.output_c};
  bool same = out.rank == 4;
  for (int d = 0; same && d < 4; ++d) same = out.dims[d] == expected[d];
  if (!same) {
    return ctx.fail(LOWBIT_INVALID_MODEL, out, " must have shape [", w.batch, ", ", w.output_h,
                    ", ", w.output_w, ", ", w.output_c, "]");
  }
  return LOWBIT_OK;
}

}  // namespace micro
}  // namespace lowbit
