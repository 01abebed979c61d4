#include "ops/conv2d_qs16.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ops/op_util.h"

namespace lowbit {
namespace {

constexpr int64_t kQs16SumLimit = int64_t{1} << 47;  // TFLite's int64 rescale input range
constexpr int kQs16MaxShift = 14;                    // keeps 15 - shift a positive shift

size_t align64(size_t bytes) { return (bytes + 63) & ~size_t{63}; }

const char* select_gemm(const PrepareContext& ctx, Qs16GemmFn* gemm) {
  const KernelVariant<Qs16GemmFn>& row = ctx.selector().select(qs16_gemm_variants());
  *gemm = row.fn;
  return row.name;
}

}  // namespace

Status prepare_qs16_rescale(PrepareContext& ctx, Activation activation, MultiplierRule rule,
                            bool double_rescale, int32_t output_channels,
                            const WeightsLayout& layout, ref::Qs16Rescale* rescale) {
  const size_t channels = size_t(output_channels);
  auto* multiplier = static_cast<int32_t*>(ctx.allocate_persistent(sizeof(int32_t) * channels));
  auto* shift = static_cast<int32_t*>(ctx.allocate_persistent(sizeof(int32_t) * channels));
  double* scale = nullptr;
  if (double_rescale) {
    scale = static_cast<double*>(ctx.allocate_persistent(sizeof(double) * channels));
  }
  int64_t* bias = nullptr;
  if (ctx.has_input(2)) {
    bias = static_cast<int64_t*>(ctx.allocate_persistent(sizeof(int64_t) * channels));
    const TensorDesc& b = ctx.input(2);
    for (size_t c = 0; c < channels; ++c) {
      bias[c] = b.dtype == DType::kInt64 ? static_cast<const int64_t*>(b.data)[c]
                                         : int64_t{static_cast<const int32_t*>(b.data)[c]};
    }
  }
  const auto* weights = static_cast<const int8_t*>(ctx.input(1).data);
  for (int32_t c = 0; c < output_channels; ++c) {
    const ref::QuantizedMultiplier q =
        ref::quantize_multiplier(channel_real_multiplier(ctx, rule, c));
    if (q.shift > kQs16MaxShift) {
      return Status(StatusCode::kUnsupported,
                    "output channel " + std::to_string(c) + "'s rescale " +
                        std::to_string(channel_real_multiplier(ctx, rule, c)) +
                        " is too large for TFLite's 16x8 rescale (at most 2^14)");
    }
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
    if (scale != nullptr) scale[c] = channel_real_multiplier(ctx, MultiplierRule::kDouble, c);
    // Every input at -32768 bounds the sum; the bias is checked first so
    // that its magnitude cannot overflow.
    int64_t bound = 0;
    for (size_t t = 0; t < layout.taps; ++t) {
      const size_t at = size_t(c) * layout.channel_stride + t * layout.tap_stride;
      bound += std::abs(int32_t{weights[at]});
    }
    bound *= 32768;
    const int64_t b = bias ? bias[c] : 0;
    if (b <= -kQs16SumLimit || b >= kQs16SumLimit || bound + std::llabs(b) >= kQs16SumLimit) {
      return Status(StatusCode::kUnsupported,
                    "the int64 sum of output channel " + std::to_string(c) +
                        " can leave TFLite's 16x8 rescale range of +-2^47 (weights bound " +
                        std::to_string(bound) + ", bias " + std::to_string(b) + ")");
    }
  }
  rescale->multiplier = multiplier;
  rescale->shift = shift;
  rescale->double_scale = scale;
  rescale->bias = bias;
  quantized_activation_range(activation, ctx.output(0).quant.scales[0], 0, DType::kInt16,
                             &rescale->act_min, &rescale->act_max);
  return Status::Ok();
}

Status Qs16GemmConvKernel::prepare_layer(PrepareContext& ctx, const Qs8ConvGeometry& geometry,
                                         int32_t groups, Activation activation,
                                         MultiplierRule rule, bool double_rescale) {
  g_ = geometry;
  groups_ = groups;
  group_k_ = size_t(g_.kernel_h) * g_.kernel_w * (g_.input_c / groups);
  group_channels_ = g_.output_c / groups;
  LOWBIT_RETURN_IF_ERROR(prepare_qs16_rescale(ctx, activation, rule, double_rescale, g_.output_c,
                                              {group_k_, 1, group_k_}, &rescale_));
  name_ = select_gemm(ctx, &gemm_);
  in_place_rows_ = groups == 1 && g_.kernel_h == 1 && g_.kernel_w == 1 && g_.stride_h == 1 &&
                   g_.stride_w == 1 && g_.pad_top == 0 && g_.pad_left == 0;
  const size_t rows = size_t(g_.batch) * g_.output_h;
  slices_ = std::max<size_t>(1, std::min<size_t>(rows, size_t(ctx.pool().num_threads())));
  // A slice holds one gathered row and one pixel's int64 sums.
  slice_bytes_ = align64(sizeof(int16_t) * group_k_) + align64(sizeof(int64_t) * group_channels_);
  ctx.request_scratch(slices_ * slice_bytes_);
  macs_ = uint64_t(rows) * g_.output_w * g_.output_c * group_k_;
  return Status::Ok();
}

Status Qs16GemmConvKernel::prepare_filter(PrepareContext& ctx, const Window2D& window,
                                          const Conv2DOptions& opt) {
  const Shape& in = ctx.input(0).shape;
  const Shape& filter = ctx.input(1).shape;
  return prepare_layer(ctx, filter_geometry(in, filter, window, opt, filter[0]),
                       in[3] / filter[3], opt.activation, MultiplierRule::kDouble);
}

Status Qs16GemmConvKernel::run(const RunContext& ctx) {
  const auto* input = ctx.input_as<int16_t>(0);
  const auto* weights = ctx.input_as<int8_t>(1);
  auto* output = ctx.output_as<int16_t>(0);
  auto* scratch = static_cast<uint8_t*>(ctx.scratch());
  const size_t rows = size_t(g_.batch) * g_.output_h;
  ctx.pool().parallel_for(slices_, [&](size_t s) {
    compute_rows(input, weights, output, scratch + s * slice_bytes_, rows * s / slices_,
                 rows * (s + 1) / slices_);
  });
  return Status::Ok();
}

void Qs16GemmConvKernel::compute_rows(const int16_t* input, const int8_t* weights,
                                      int16_t* output, uint8_t* scratch, size_t row_begin,
                                      size_t row_end) const {
  auto* gathered = reinterpret_cast<int16_t*>(scratch);
  auto* sums = reinterpret_cast<int64_t*>(scratch + align64(sizeof(int16_t) * group_k_));
  const size_t group_c = size_t(g_.input_c / groups_);
  for (size_t row = row_begin; row < row_end; ++row) {
    const size_t b = row / size_t(g_.output_h);
    const int32_t oy = static_cast<int32_t>(row % size_t(g_.output_h));
    const int16_t* image = input + b * g_.input_h * g_.input_w * g_.input_c;
    for (int32_t ox = 0; ox < g_.output_w; ++ox) {
      int16_t* out = output + (row * g_.output_w + ox) * g_.output_c;
      for (int32_t group = 0; group < groups_; ++group) {
        const int16_t* a = gathered;
        if (in_place_rows_) {
          a = image + (size_t(oy) * g_.input_w + ox) * g_.input_c;
        } else {
          int16_t* to = gathered;
          for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
            const int32_t iy = oy * g_.stride_h - g_.pad_top + ky * g_.dilation_h;
            for (int32_t kx = 0; kx < g_.kernel_w; ++kx, to += group_c) {
              const int32_t ix = ox * g_.stride_w - g_.pad_left + kx * g_.dilation_w;
              if (iy < 0 || iy >= g_.input_h || ix < 0 || ix >= g_.input_w) {
                std::memset(to, 0, sizeof(int16_t) * group_c);
              } else {
                const size_t pixel = size_t(iy) * g_.input_w + ix;
                std::memcpy(to, image + pixel * g_.input_c + group * group_c,
                            sizeof(int16_t) * group_c);
              }
            }
          }
        }
        const size_t first = size_t(group) * group_channels_;
        gemm_(1, size_t(group_channels_), group_k_, &a, weights + first * group_k_, sums);
        for (int32_t n = 0; n < group_channels_; ++n) {
          out[first + n] = ref::qs16_output(sums[n], rescale_, first + n);
        }
      }
    }
  }
}

Status Qs16DepthwiseKernel::prepare_filter(PrepareContext& ctx, const Window2D& window,
                                           const DepthwiseConv2DOptions& opt) {
  const Shape& filter = ctx.input(1).shape;
  const Qs8ConvGeometry g = filter_geometry(ctx.input(0).shape, filter, window, opt, filter[3]);
  const Activation activation = opt.activation;
  set_window_params(g, &p_);
  p_.depth_multiplier = opt.depth_multiplier;
  p_.output_c = g.output_c;
  const size_t taps = size_t(g.kernel_h) * g.kernel_w;
  macs_ = uint64_t(g.batch) * g.output_h * g.output_w * g.output_c * taps;
  const KernelVariant<Qs16DwconvFn>& row = ctx.selector().select(qs16_dwconv_variants());
  if (std::string(row.isa) != "reference" && opt.depth_multiplier == 1 && taps <= kMaxSimdTaps) {
    dwconv_ = row.fn;
    name_ = row.name;
  }
  return prepare_qs16_rescale(ctx, activation, MultiplierRule::kDouble, false, g.output_c,
                              {1, size_t(g.output_c), taps}, &p_.rescale);
}

Status Qs16DepthwiseKernel::run(const RunContext& ctx) {
  lowbit::run_rows(ctx.pool(), size_t(p_.batch) * p_.output_h, [&](size_t begin, size_t end) {
    if (dwconv_ == nullptr) {
      ref::qs16_depthwise_conv2d__reference(p_, ctx.input_as<int16_t>(0),
                                            ctx.input_as<int8_t>(1), ctx.output_as<int16_t>(0),
                                            begin, end);
    } else {
      compute_rows(ctx.input_as<int16_t>(0), ctx.input_as<int8_t>(1), ctx.output_as<int16_t>(0),
                   begin, end);
    }
  });
  return Status::Ok();
}

void Qs16DepthwiseKernel::compute_rows(const int16_t* input, const int8_t* weights,
                                       int16_t* output, size_t row_begin, size_t row_end) const {
  constexpr size_t kChannelBlock = 64;  // the int64 sums of one call, on the stack
  const size_t channels = size_t(p_.output_c);
  const size_t taps = size_t(p_.kernel_h) * p_.kernel_w;
  ref::for_each_output_pixel(p_, p_.input_c, p_.output_c, input, output, row_begin, row_end,
                             [&](const int16_t* image, int32_t oy, int32_t ox, int16_t* out) {
    for (size_t c0 = 0; c0 < channels; c0 += kChannelBlock) {
      const int16_t* rows[kMaxSimdTaps];
      size_t t = 0;
      for (int32_t ky = 0; ky < p_.kernel_h; ++ky) {
        const int32_t iy = oy * p_.stride_h - p_.pad_top + ky * p_.dilation_h;
        for (int32_t kx = 0; kx < p_.kernel_w; ++kx, ++t) {
          const int32_t ix = ox * p_.stride_w - p_.pad_left + kx * p_.dilation_w;
          const bool inside = iy >= 0 && iy < p_.input_h && ix >= 0 && ix < p_.input_w;
          rows[t] = inside ? image + (size_t(iy) * p_.input_w + ix) * channels + c0 : nullptr;
        }
      }
      int64_t sums[kChannelBlock];
      const size_t n = std::min(kChannelBlock, channels - c0);
      dwconv_(n, taps, rows, weights + c0, channels, sums);
      for (size_t j = 0; j < n; ++j) out[c0 + j] = ref::qs16_output(sums[j], p_.rescale, c0 + j);
    }
  });
}

Status Qs16TransposeConvKernel::prepare(PrepareContext& ctx,
                                        const ref::Qs16TransposeConvParams& p,
                                        Activation activation) {
  p_ = p;
  const size_t taps = size_t(p_.kernel_h) * p_.kernel_w * p_.input_c;
  LOWBIT_RETURN_IF_ERROR(prepare_qs16_rescale(ctx, activation, MultiplierRule::kDouble, false,
                                              p_.output_c, {taps, 1, taps}, &p_.rescale));
  name_ = select_gemm(ctx, &gemm_);
  const size_t pixels = size_t(p_.batch) * p_.input_h * p_.input_w;
  ctx.request_scratch(sizeof(int64_t) * pixels * size_t(p_.kernel_h) * p_.kernel_w * p_.output_c);
  return Status::Ok();
}

void Qs16TransposeConvKernel::run(const RunContext& ctx) const {
  const auto* input = ctx.input_as<int16_t>(0);
  const auto* weights = ctx.input_as<int8_t>(1);
  auto* columns = static_cast<int64_t*>(ctx.scratch());
  const size_t pixel_columns = size_t(p_.kernel_h) * p_.kernel_w * p_.output_c;
  const size_t k = size_t(p_.input_c);
  lowbit::run_rows(ctx.pool(), size_t(p_.batch) * p_.input_h, [&](size_t begin, size_t end) {
    for (size_t pixel = begin * p_.input_w; pixel < end * p_.input_w; ++pixel) {
      const int16_t* a = input + pixel * k;
      gemm_(1, pixel_columns, k, &a, weights, columns + pixel * pixel_columns);
    }
  });
  lowbit::run_rows(ctx.pool(), size_t(p_.batch) * p_.output_h, [&](size_t begin, size_t end) {
    ref::qs16_transpose_conv_output__reference(p_, columns, ctx.output_as<int16_t>(0), begin, end);
  });
}

}  // namespace lowbit
