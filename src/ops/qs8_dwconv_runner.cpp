#include "ops/qs8_dwconv_runner.h"

#include <cstring>
#include <string>

namespace lowbit {

const KernelVariant<Qs8DwconvKernel>& select_qs8_dwconv(const KernelSelector& selector) {
  size_t count = 0;
  const KernelVariant<Qs8DwconvKernel>* variants = qs8_dwconv_variants(&count);
  return selector.select(variants, count);
}

Status Qs8DwconvRunner::prepare(PrepareContext& ctx, const KernelVariant<Qs8DwconvKernel>& variant,
                                const Qs8ConvGeometry& g, const Qs8ConvQuantization& q,
                                const int8_t* weights, const int32_t* bias) {
  g_ = g;
  kernel_ = variant.fn;
  name_ = variant.name;
  const size_t channels = static_cast<size_t>(g.output_c);
  const size_t taps = size_t(g.kernel_h) * g.kernel_w;
  if (taps > kMaxTaps) {
    return Status(StatusCode::kUnsupported, "depthwise kernel has more than 256 taps");
  }
  if (g.input_c < 1 || g.output_c % g.input_c != 0) {
    return Status(StatusCode::kInvalidArgument,
                  "depthwise output channels " + std::to_string(g.output_c) +
                      " are not a multiple of input channels " + std::to_string(g.input_c));
  }
  depth_multiplier_ = static_cast<size_t>(g.output_c / g.input_c);
  if (depth_multiplier_ > 1) {
    ctx.request_scratch(size_t(g.batch) * g.input_h * g.input_w * channels);
  }
  // Per-channel parameters padded to the widest vector step (32 channels).
  const size_t padded = (channels + 31) / 32 * 32;
  void* packed = ctx.allocate_persistent(qs8_dwconv_packed_bytes(kernel_.channel_block, channels, taps));
  auto* multiplier = static_cast<int32_t*>(ctx.allocate_persistent(padded * sizeof(int32_t)));
  auto* shift = static_cast<int32_t*>(ctx.allocate_persistent(padded * sizeof(int32_t)));
  auto* scale = static_cast<float*>(ctx.allocate_persistent(padded * sizeof(float)));
  auto* padding_row = static_cast<int8_t*>(ctx.allocate_persistent(channels));
  if (!packed || !multiplier || !shift || !scale || !padding_row) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate packed depthwise weights");
  }
  qs8_dwconv_pack(kernel_.channel_block, channels, taps, weights, bias, q.input_zero_point, packed);
  for (size_t c = 0; c < channels; ++c) {
    multiplier[c] = q.requantizers[c].multiplier;
    shift[c] = q.requantizers[c].shift;
    scale[c] = q.requantizers[c].scale;
  }
  std::memset(padding_row, q.input_zero_point, channels);
  for (int32_t ky = 0, t = 0; ky < g.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < g.kernel_w; ++kx, ++t) {
      tap_offsets_[t] = (size_t(ky) * g.dilation_h * g.input_w + size_t(kx) * g.dilation_w) * channels;
    }
  }
  packed_ = packed;
  padding_row_ = padding_row;
  params_.profile = q.profile;
  params_.output_zero_point = q.output_zero_point;
  params_.output_min = q.output_min;
  params_.output_max = q.output_max;
  params_.multiplier = multiplier;
  params_.shift = shift;
  params_.scale = scale;
  return Status::Ok();
}

void Qs8DwconvRunner::expand_row(size_t row, const int8_t* input, int8_t* expanded) const {
  const size_t in_c = static_cast<size_t>(g_.input_c), m = depth_multiplier_;
  const int8_t* src = input + row * g_.input_w * in_c;
  int8_t* dst = expanded + row * g_.input_w * in_c * m;
  for (size_t i = 0; i < size_t(g_.input_w) * in_c; ++i, dst += m) std::memset(dst, src[i], m);
}

void Qs8DwconvRunner::run_row(size_t row, const int8_t* input, int8_t* output) const {
  const size_t channels = static_cast<size_t>(g_.output_c);
  const int32_t oy = static_cast<int32_t>(row % g_.output_h);
  const size_t b = row / g_.output_h;
  const int8_t* taps[kMaxTaps];
  const size_t tap_count = size_t(g_.kernel_h) * g_.kernel_w;
  const int32_t iy0 = oy * g_.stride_h - g_.pad_top;
  const bool rows_inside = iy0 >= 0 && iy0 + (g_.kernel_h - 1) * g_.dilation_h < g_.input_h;
  const int8_t* image = input + b * g_.input_h * g_.input_w * channels;
  int8_t* out_row = output + (b * g_.output_h + oy) * g_.output_w * channels;
  for (int32_t ox = 0; ox < g_.output_w; ++ox) {
    const int32_t ix0 = ox * g_.stride_w - g_.pad_left;
    if (rows_inside && ix0 >= 0 && ix0 + (g_.kernel_w - 1) * g_.dilation_w < g_.input_w) {
      // Interior pixel: every tap is the window origin plus a fixed offset.
      const int8_t* origin = image + (size_t(iy0) * g_.input_w + ix0) * channels;
      for (size_t t = 0; t < tap_count; ++t) taps[t] = origin + tap_offsets_[t];
    } else {
      size_t t = 0;
      for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
        const int32_t iy = iy0 + ky * g_.dilation_h;
        for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
          const int32_t ix = ix0 + kx * g_.dilation_w;
          const bool inside = iy >= 0 && iy < g_.input_h && ix >= 0 && ix < g_.input_w;
          taps[t++] = inside ? image + (size_t(iy) * g_.input_w + ix) * channels : padding_row_;
        }
      }
    }
    kernel_.fn(channels, tap_count, taps, packed_, out_row + size_t(ox) * channels, params_);
  }
}

void Qs8DwconvRunner::run(ThreadPool& pool, const int8_t* input, int8_t* output,
                          void* scratch) const {
  if (depth_multiplier_ > 1) {
    auto* expanded = static_cast<int8_t*>(scratch);
    pool.parallel_for(size_t(g_.batch) * g_.input_h,
                      [&](size_t row) { expand_row(row, input, expanded); });
    input = expanded;
  }
  const size_t rows = size_t(g_.batch) * g_.output_h;
  pool.parallel_for(rows, [&](size_t row) { run_row(row, input, output); });
}

}  // namespace lowbit
