// CONV_2D and DEPTHWISE_CONV_2D through XNNPACK's NHWC convolution or
// lowbit's own kernels: CONV_2D without groups through the packed f32_igemm
// family (ops/float/f32_gemm_driver.h) where it has a SIMD row, the rest
// through the f32_conv2d / f32_dwconv2d families.
#include <xnnpack.h>

#include <algorithm>
#include <string>

#include "kernels/f32_float.h"
#include "kernels/f32_igemm.h"
#include "ops/float/f32_gemm_driver.h"
#include "ops/float/float_ops.h"
#include "ops/float/xnn_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// What both convolutions hand to xnn_create_convolution2d_nhwc_f32.
struct ConvGeometry {
  int32_t batch = 0, in_h = 0, in_w = 0, in_channels = 0;
  int32_t kernel_h = 0, kernel_w = 0;
  int32_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  PaddedDim out_h, out_w;
  int32_t groups = 1, group_in = 0, group_out = 0;
  int32_t out_channels() const { return groups * group_out; }
};

class FloatConvKernel final : public XnnKernel {
 public:
  FloatConvKernel(const OperatorDesc& op, bool depthwise)
      : XnnKernel(op, depthwise ? "f32_dwconv2d__xnnpack" : "f32_conv2d__xnnpack"),
        depthwise_(depthwise) {}

  Status prepare(PrepareContext& ctx) override {
    const GraphDesc& graph = ctx.graph();
    const OperatorDesc& op = ctx.op();
    LOWBIT_RETURN_IF_ERROR(require_float_arity(ctx, 2, 3, {0, 1, 2}));
    LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
    LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 4));
    Padding padding = Padding::kValid;
    Activation activation = Activation::kNone;
    LOWBIT_RETURN_IF_ERROR(depthwise_ ? depthwise_geometry(ctx, &padding, &activation)
                                      : conv_geometry(ctx, &padding, &activation));
    ConvGeometry& g = geometry_;
    LOWBIT_RETURN_IF_ERROR(compute_padded_dim(g.in_h, g.kernel_h, g.stride_h, g.dilation_h,
                                              padding, "height", &g.out_h));
    LOWBIT_RETURN_IF_ERROR(compute_padded_dim(g.in_w, g.kernel_w, g.stride_w, g.dilation_w,
                                              padding, "width", &g.out_w));
    const int32_t out_c = g.out_channels();
    LOWBIT_RETURN_IF_ERROR(
        require_output_shape(ctx, 0, Shape{g.batch, g.out_h.out, g.out_w.out, out_c}));
    LOWBIT_RETURN_IF_ERROR(require_constant_floats(
        ctx, 1, int64_t(out_c) * g.kernel_h * g.kernel_w * g.group_in));
    const bool has_bias = ctx.has_input(2);
    if (has_bias) LOWBIT_RETURN_IF_ERROR(require_constant_floats(ctx, 2, out_c));
    set_macs(uint64_t(ctx.output(0).shape.num_elements()) * g.kernel_h * g.kernel_w * g.group_in);
    float out_min, out_max;
    float_activation_range(activation, &out_min, &out_max);
    if (ctx.selector().float_kernels() == FloatKernels::kOwn) {
      own_has_bias_ = has_bias;
      own_params_ = ref::F32ConvParams{g.batch, g.in_h, g.in_w, g.in_channels,
                                       g.out_h.out, g.out_w.out, g.kernel_h, g.kernel_w,
                                       g.stride_h, g.stride_w, g.dilation_h, g.dilation_w,
                                       g.out_h.pad_before, g.out_w.pad_before, g.groups,
                                       g.group_in, g.group_out, out_min, out_max};
      return prepare_own(ctx);
    }
    LOWBIT_RETURN_IF_ERROR(begin_operators(ctx, ctx.output(0).shape.num_elements() == 0, {0}));
    if (no_op()) return Status::Ok();

    if (fp16(ctx)) return create_fp16(ctx, out_min, out_max);
    xnn_operator_t conv = nullptr;
    const xnn_status status = xnn_create_convolution2d_nhwc_f32(
        g.out_h.pad_before, g.out_w.pad_after, g.out_h.pad_after, g.out_w.pad_before,
        g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.dilation_h, g.dilation_w, g.groups,
        g.group_in, g.group_out, /*input_channel_stride=*/g.in_channels,
        /*output_channel_stride=*/out_c, static_cast<const float*>(ctx.input(1).data),
        has_bias ? static_cast<const float*>(ctx.input(2).data) : nullptr, out_min, out_max,
        depthwise_ ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0, &conv);
    return adopt(status, &conv, "creating the convolution");
  }

  Status run_own(const RunContext& ctx) override {
    // The bias is optional: the run context may not list it at all.
    const float* bias = own_has_bias_ ? ctx.input_as<float>(2) : nullptr;
    if (use_driver_) {
      driver_.run(ctx.pool(), ctx.input_as<float>(0), ctx.output_as<float>(0), ctx.scratch());
    } else {
      run_direct_in_slices(ctx, bias);
    }
    return Status::Ok();
  }

  // own_fn_ over bands of output rows, one per thread: a band of image b
  // from row y0 is the same kernel on that image with out_h rows and the
  // padding moved up by y0 * stride_h, so every output keeps its bits
  // whatever the thread count.
  void run_direct_in_slices(const RunContext& ctx, const float* bias) const {
    const ref::F32ConvParams& p = own_params_;
    const float* input = ctx.input_as<float>(0);
    const float* weights = ctx.input_as<float>(1);
    float* output = ctx.output_as<float>(0);
    const int64_t rows = int64_t(p.batch) * p.out_h;
    const int64_t threads = std::max(1, ctx.pool().num_threads());
    // The moved padding must stay an int32.
    const bool fits = int64_t(p.out_h) * p.stride_h < (int64_t(1) << 30);
    if (threads == 1 || rows < 2 || !fits) {
      own_fn_(p, input, weights, bias, output);
      return;
    }
    const int64_t bands = std::min(threads, rows);
    const int64_t in_image = int64_t(p.in_h) * p.in_w * p.in_channels;
    const int64_t out_row = int64_t(p.out_w) * p.out_channels();
    ctx.pool().parallel_for(size_t(bands), [&](size_t band) {
      const int64_t first = rows * int64_t(band) / bands, end = rows * int64_t(band + 1) / bands;
      for (int64_t row = first; row < end;) {
        const int64_t b = row / p.out_h, y0 = row % p.out_h;
        const int64_t y1 = std::min<int64_t>(p.out_h, y0 + (end - row));
        ref::F32ConvParams q = p;
        q.batch = 1;
        q.out_h = int32_t(y1 - y0);
        q.pad_top = int32_t(p.pad_top - y0 * p.stride_h);
        own_fn_(q, input + b * in_image, weights, bias, output + (b * p.out_h + y0) * out_row);
        row += y1 - y0;
      }
    });
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    const ConvGeometry& g = geometry_;
    if (half_input() != nullptr) {
      LOWBIT_RETURN_IF_ERROR(bind_fp16(ctx, size_t(g.batch) * g.in_h * g.in_w,
                                       size_t(g.batch) * g.out_h.out * g.out_w.out));
      return check(xnn_setup_convolution2d_nhwc_f16(xnn_op(1), g.batch, g.in_h, g.in_w,
                                                    half_input(), half_output(),
                                                    ctx.pool().handle()),
                   "setting up the FP16 convolution");
    }
    return check(xnn_setup_convolution2d_nhwc_f32(
                     xnn_op(0), geometry_.batch, geometry_.in_h, geometry_.in_w,
                     input_data(ctx, 0), ctx.output_as<float>(0), ctx.pool().handle()),
                 "setting up the convolution");
  }

 private:
  // Half precision: the weights (float32 in the model) are rounded to FP16 by
  // XNNPACK when it packs them (XNN_FLAG_FP32_STATIC_WEIGHTS).
  Status create_fp16(PrepareContext& ctx, float out_min, float out_max) {
    const ConvGeometry& g = geometry_;
    LOWBIT_RETURN_IF_ERROR(begin_fp16(ctx, size_t(g.in_channels), size_t(g.out_channels()),
                                      depthwise_ ? "f16_dwconv2d__xnnpack"
                                                 : "f16_conv2d__xnnpack"));
    xnn_operator_t conv = nullptr;
    const xnn_status status = xnn_create_convolution2d_nhwc_f16(
        g.out_h.pad_before, g.out_w.pad_after, g.out_h.pad_after, g.out_w.pad_before,
        g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.dilation_h, g.dilation_w, g.groups,
        g.group_in, g.group_out, g.in_channels, g.out_channels(), ctx.input(1).data,
        ctx.has_input(2) ? ctx.input(2).data : nullptr, out_min, out_max,
        (depthwise_ ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0) | XNN_FLAG_FP32_STATIC_WEIGHTS, &conv);
    LOWBIT_RETURN_IF_ERROR(adopt(status, &conv, "creating the FP16 convolution"));
    return end_fp16();
  }

  // lowbit's own kernels, own_params_ set. CONV_2D without groups runs the
  // packed GEMM when it has a SIMD row for this kernel set: a 1x1 CONV_2D of
  // stride 1 without padding as a GEMM of the input pixels, the others as an
  // indirect GEMM over each output pixel's taps. The rest (and every
  // convolution under the reference kernel set: TFLite's order) run the
  // direct kernels.
  Status prepare_own(PrepareContext& ctx) {
    const ref::F32ConvParams& p = own_params_;
    if (!depthwise_ && p.groups == 1) {
      F32IgemmKernel gemm{};
      const KernelVariant<F32IgemmKernel>& row = ctx.selector().select(f32_igemm_variants());
      if (!row.fn.portable && select_own(ctx, f32_igemm_variants(), &gemm)) {
        use_driver_ = true;
        const auto* weights = static_cast<const float*>(ctx.input(1).data);
        const auto* bias = own_has_bias_ ? static_cast<const float*>(ctx.input(2).data) : nullptr;
        const bool pointwise = p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 &&
                               p.stride_w == 1 && p.pad_top == 0 && p.pad_left == 0 &&
                               p.out_h == p.in_h && p.out_w == p.in_w;
        if (!pointwise) return driver_.prepare_conv(ctx, row, p, weights, bias);
        const size_t k = size_t(p.in_channels);
        return driver_.prepare_gemm(ctx, row, size_t(p.batch) * size_t(p.in_h) * size_t(p.in_w),
                                    size_t(p.out_channels()), k, k, weights, bias, p.out_min,
                                    p.out_max);
      }
    }
    select_own(ctx, depthwise_ ? f32_dwconv2d_variants() : f32_conv2d_variants(), &own_fn_);
    return Status::Ok();
  }

  // Input NHWC, filter OHWI with I = in_channels / groups.
  Status conv_geometry(const PrepareContext& ctx, Padding* padding, Activation* activation) {
    LOWBIT_RETURN_IF_ERROR(read_window<Conv2DOptions>(ctx, padding, activation));
    ConvGeometry& g = geometry_;
    const Shape& filter = ctx.input(1).shape;
    g.group_in = filter[3];
    const int32_t out_c = filter[0];
    if (g.group_in <= 0 || g.in_channels <= 0 || g.in_channels % g.group_in != 0) {
      return invalid(describe_input(ctx.graph(), ctx.op(), 1) + " has " +
                     std::to_string(g.group_in) + " input channels, which do not divide the " +
                     std::to_string(g.in_channels) + " channels of the input");
    }
    g.groups = g.in_channels / g.group_in;
    if (out_c <= 0 || out_c % g.groups != 0) {
      return invalid(describe_input(ctx.graph(), ctx.op(), 1) + " has " + std::to_string(out_c) +
                     " output channels, not a positive multiple of the " +
                     std::to_string(g.groups) + " groups");
    }
    g.group_out = out_c / g.groups;
    return Status::Ok();
  }

  // Input NHWC, filter 1 x KH x KW x (C*M): XNNPACK's depthwise HWGo layout.
  Status depthwise_geometry(const PrepareContext& ctx, Padding* padding, Activation* activation) {
    LOWBIT_RETURN_IF_ERROR(read_window<DepthwiseConv2DOptions>(ctx, padding, activation));
    ConvGeometry& g = geometry_;
    const Shape& filter = ctx.input(1).shape;
    const int32_t out_c = filter[3];
    // The multiplier follows from the shapes; TFLite files do not always
    // store a consistent depth_multiplier option, so it is not trusted.
    if (filter[0] != 1 || g.in_channels <= 0 || out_c <= 0 || out_c % g.in_channels != 0) {
      return invalid(describe_input(ctx.graph(), ctx.op(), 1) + " has shape " +
                     filter.to_string() + ", expected [1, KH, KW, " +
                     std::to_string(g.in_channels) + " * depth_multiplier]");
    }
    g.groups = g.in_channels;
    g.group_in = 1;
    g.group_out = out_c / g.in_channels;
    return Status::Ok();
  }

  // The input's shape, the filter's spatial size and the options' window,
  // which both convolutions read alike.
  template <typename Options>
  Status read_window(const PrepareContext& ctx, Padding* padding, Activation* activation) {
    Options options;
    LOWBIT_RETURN_IF_ERROR(options_or_default(ctx.op(), &options));
    const Shape& in = ctx.input(0).shape;
    const Shape& filter = ctx.input(1).shape;
    ConvGeometry& g = geometry_;
    g.batch = in[0], g.in_h = in[1], g.in_w = in[2], g.in_channels = in[3];
    g.kernel_h = filter[1], g.kernel_w = filter[2];
    g.stride_h = options.stride_h, g.stride_w = options.stride_w;
    g.dilation_h = options.dilation_h, g.dilation_w = options.dilation_w;
    *padding = options.padding;
    *activation = options.activation;
    return Status::Ok();
  }

  bool depthwise_;
  ConvGeometry geometry_;
  ref::F32ConvFn own_fn_ = nullptr;
  ref::F32ConvParams own_params_;
  F32GemmDriver driver_;
  bool use_driver_ = false;  // the packed GEMM instead of own_fn_
  bool own_has_bias_ = false;
};

}  // namespace

std::unique_ptr<OpKernel> make_float_conv(const OperatorDesc& op) {
  return std::make_unique<FloatConvKernel>(op, op.type == OpType::kDepthwiseConv2D);
}

}  // namespace lowbit
