// AVERAGE_POOL_2D, MAX_POOL_2D and MEAN over the spatial axes through XNNPACK
// or lowbit's own f32_avgpool2d / f32_maxpool2d / f32_mean families.
//
// XNNPACK's average pooling divides by the number of taps inside the image
// when there is padding, which is TFLite's rule. It rejects 1x1 windows, so
// those (a strided copy, clamped) run as a 1x1 depthwise convolution with unit
// weights, which reproduces every value exactly.
#include <xnnpack.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/f32_float.h"
#include "ops/float/float_ops.h"
#include "ops/float/xnn_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// From in + (out - 1) * stride on, SAME padding centres every window over the
// whole input, so a larger window gives the same result. XNNPACK sizes its
// indirection buffer by the window, so it gets the smallest equivalent one (a
// 3x50331651 window on an 11-pixel row once asked it for 8 GB; found by fuzzing).
int32_t equivalent_window(int32_t in, int32_t filter, int32_t stride, Padding padding) {
  if (padding != Padding::kSame || in < 1 || stride < 1) return filter;
  const int64_t out = (int64_t(in) + stride - 1) / stride;
  const int64_t reach = in + (out - 1) * stride;
  return static_cast<int32_t>(std::min<int64_t>(filter, reach));
}

// The checks both kernels here start with: a float NHWC input (and, for
// MEAN, the axes), the options or their defaults.
template <typename Options>
Status check_nhwc_operator(const PrepareContext& ctx, size_t max_inputs, Options* options) {
  LOWBIT_RETURN_IF_ERROR(require_float_arity(ctx, 1, max_inputs, {0}));
  LOWBIT_RETURN_IF_ERROR(check_rank(ctx.graph(), ctx.op(), true, 0, 4));
  return options_or_default(ctx.op(), options);
}

class FloatPoolKernel final : public XnnKernel {
 public:
  explicit FloatPoolKernel(const OperatorDesc& op)
      : XnnKernel(op, op.type == OpType::kMaxPool2D ? "f32_maxpool2d__xnnpack"
                                                    : "f32_avgpool2d__xnnpack"),
        is_max_(op.type == OpType::kMaxPool2D) {}

  Status prepare(PrepareContext& ctx) override {
    Pool2DOptions options;
    LOWBIT_RETURN_IF_ERROR(check_nhwc_operator(ctx, 1, &options));
    const Shape& in = ctx.input(0).shape;
    batch_ = in[0];
    in_h_ = in[1];
    in_w_ = in[2];
    const int32_t channels = in[3];
    options.filter_h = equivalent_window(in_h_, options.filter_h, options.stride_h, options.padding);
    options.filter_w = equivalent_window(in_w_, options.filter_w, options.stride_w, options.padding);
    PaddedDim h, w;
    LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in_h_, options.filter_h, options.stride_h, 1,
                                              options.padding, "height", &h));
    LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in_w_, options.filter_w, options.stride_w, 1,
                                              options.padding, "width", &w));
    LOWBIT_RETURN_IF_ERROR(require_output_shape(ctx, 0, Shape{batch_, h.out, w.out, channels}));
    float out_min, out_max;
    float_activation_range(options.activation, &out_min, &out_max);
    if (select_own(ctx, is_max_ ? f32_maxpool2d_variants() : f32_avgpool2d_variants(),
                   &own_fn_)) {
      own_params_ = ref::F32PoolParams{batch_, in_h_, in_w_, channels, h.out, w.out,
                                       options.filter_h, options.filter_w, options.stride_h,
                                       options.stride_w, h.pad_before, w.pad_before,
                                       out_min, out_max};
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_operators(ctx, ctx.output(0).shape.num_elements() == 0, {0}));
    if (no_op()) return Status::Ok();

    xnn_operator_t pool = nullptr;
    xnn_status status;
    const char* what;
    if (options.filter_h == 1 && options.filter_w == 1) {
      single_tap_ = true;
      // XNNPACK packs the weights at creation, so they need not outlive this call.
      const std::vector<float> unit_weights(static_cast<size_t>(channels), 1.0f);
      status = xnn_create_convolution2d_nhwc_f32(
          0, 0, 0, 0, 1, 1, options.stride_h, options.stride_w, 1, 1, /*groups=*/channels,
          /*group_input_channels=*/1, /*group_output_channels=*/1, channels, channels,
          unit_weights.data(), /*bias=*/nullptr, out_min, out_max,
          XNN_FLAG_DEPTHWISE_CONVOLUTION, &pool);
      what = "creating the 1x1 pooling (as a depthwise convolution)";
    } else if (is_max_) {
      status = xnn_create_max_pooling2d_nhwc_f32(
          h.pad_before, w.pad_after, h.pad_after, w.pad_before, options.filter_h,
          options.filter_w, options.stride_h, options.stride_w, 1, 1, channels, channels,
          channels, out_min, out_max, 0, &pool);
      what = "creating the max pooling";
    } else {
      status = xnn_create_average_pooling2d_nhwc_f32(
          h.pad_before, w.pad_after, h.pad_after, w.pad_before, options.filter_h,
          options.filter_w, options.stride_h, options.stride_w, channels, channels, channels,
          out_min, out_max, 0, &pool);
      what = "creating the average pooling";
    }
    return adopt(status, &pool, what);
  }

  Status run_own(const RunContext& ctx) override {
    own_fn_(own_params_, ctx.input_as<float>(0), ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    const float* in = input_data(ctx, 0);
    float* out = ctx.output_as<float>(0);
    pthreadpool_t threads = ctx.pool().handle();
    if (single_tap_) {
      return check(xnn_setup_convolution2d_nhwc_f32(xnn_op(0), batch_, in_h_, in_w_, in, out,
                                                    threads),
                   "setting up the 1x1 pooling");
    }
    if (is_max_) {
      return check(xnn_setup_max_pooling2d_nhwc_f32(xnn_op(0), batch_, in_h_, in_w_, in, out,
                                                    threads),
                   "setting up the max pooling");
    }
    return check(xnn_setup_average_pooling2d_nhwc_f32(xnn_op(0), batch_, in_h_, in_w_, in, out,
                                                      threads),
                 "setting up the average pooling");
  }

 private:
  bool is_max_;
  bool single_tap_ = false;
  int32_t batch_ = 0, in_h_ = 0, in_w_ = 0;
  ref::F32PoolFn own_fn_ = nullptr;
  ref::F32PoolParams own_params_;
};

// MEAN of an NHWC tensor over axes {1, 2}: global average pooling.
class FloatMeanKernel final : public XnnKernel {
 public:
  explicit FloatMeanKernel(const OperatorDesc& op) : XnnKernel(op, "f32_mean__xnnpack") {}

  Status prepare(PrepareContext& ctx) override {
    MeanOptions options;
    LOWBIT_RETURN_IF_ERROR(check_nhwc_operator(ctx, 2, &options));
    std::vector<int32_t> axes;
    LOWBIT_RETURN_IF_ERROR(read_axes(ctx, options, &axes));
    for (int32_t& axis : axes) {
      if (axis < -4 || axis >= 4) {
        return invalid("axis " + std::to_string(axis) + " is out of range for " +
                       describe_input(ctx.graph(), ctx.op(), 0) + " of rank 4");
      }
      if (axis < 0) axis += 4;
    }
    std::sort(axes.begin(), axes.end());
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    if (axes != std::vector<int32_t>{1, 2}) {
      return Status(StatusCode::kUnsupported,
                    "float MEAN is implemented only over the spatial axes {1, 2} of NHWC");
    }
    const Shape& in = ctx.input(0).shape;
    batch_ = in[0];
    pixels_ = int64_t(in[1]) * in[2];
    const int32_t channels = in[3];
    LOWBIT_RETURN_IF_ERROR(require_output_shape(
        ctx, 0, options.keep_dims ? Shape{batch_, 1, 1, channels} : Shape{batch_, channels}));
    if (ctx.output(0).shape.num_elements() == 0) {
      set_no_op();
      return Status::Ok();
    }
    if (pixels_ == 0) {
      return Status(StatusCode::kUnsupported, "float MEAN over an empty image " + in.to_string());
    }
    if (select_own(ctx, f32_mean_variants(), &own_fn_)) {
      own_params_ = ref::F32MeanParams{batch_, channels, pixels_};
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_prepare(ctx));
    LOWBIT_RETURN_IF_ERROR(keep_padded_constants(ctx, {0}));
    const float inf = std::numeric_limits<float>::infinity();
    xnn_operator_t gap = nullptr;
    const xnn_status status =
        xnn_create_global_average_pooling_nwc_f32(channels, channels, channels, -inf, inf, 0, &gap);
    return adopt(status, &gap, "creating the global average pooling");
  }

  Status run_own(const RunContext& ctx) override {
    own_fn_(own_params_, ctx.input_as<float>(0), ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    return check(xnn_setup_global_average_pooling_nwc_f32(xnn_op(0), batch_, pixels_,
                                                          input_data(ctx, 0),
                                                          ctx.output_as<float>(0),
                                                          ctx.pool().handle()),
                 "setting up the global average pooling");
  }

 private:
  // Axes come from the options, or else from a constant int32 second input.
  static Status read_axes(const PrepareContext& ctx, const MeanOptions& options,
                          std::vector<int32_t>* axes) {
    if (!options.axes.empty() || !ctx.has_input(1)) {
      *axes = options.axes;
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(check_dtype(ctx.graph(), ctx.op(), true, 1, {DType::kInt32}));
    LOWBIT_RETURN_IF_ERROR(check_constant(ctx.graph(), ctx.op(), 1));
    const TensorDesc& t = ctx.input(1);
    const int64_t n = t.shape.num_elements();
    if (n < 0 || t.data_bytes != static_cast<size_t>(n) * sizeof(int32_t)) {
      return invalid(describe_input(ctx.graph(), ctx.op(), 1) + " has " +
                     std::to_string(t.data_bytes) + " bytes for shape " + t.shape.to_string());
    }
    axes->resize(static_cast<size_t>(n));
    if (n > 0) std::memcpy(axes->data(), t.data, t.data_bytes);
    return Status::Ok();
  }

  int32_t batch_ = 0;
  int64_t pixels_ = 0;
  ref::F32MeanFn own_fn_ = nullptr;
  ref::F32MeanParams own_params_;
};

}  // namespace

std::unique_ptr<OpKernel> make_float_pool(const OperatorDesc& op) {
  if (op.type == OpType::kMean) return std::make_unique<FloatMeanKernel>(op);
  return std::make_unique<FloatPoolKernel>(op);
}

}  // namespace lowbit
