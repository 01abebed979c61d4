#include "ops/drivers/qs8_dwconv_driver.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/reference/dwconv_taps.h"

namespace lowbit {

Status Qs8DwconvDriver::prepare(PrepareContext& ctx, const KernelVariant<Qs8DwconvKernel>& variant,
                                const Qs8ConvGeometry& g, const Qs8ConvQuantization& q,
                                const DriverWeights& weights, const int32_t* bias) {
  g_ = g;
  kernel_ = variant.fn;
  const size_t filter_taps = size_t(g.kernel_h) * g.kernel_w;
  const size_t channels = static_cast<size_t>(g.output_c);
  row_fn_ = qs8_dwconv_row_kernel(kernel_, g.kernel_h, g.kernel_w, g.stride_w, g.dilation_h,
                                  g.dilation_w);
  // Split weights (high, low halves) rejoin as int16 for row kernels that
  // take wide weights; the generic kernel reads each tap twice instead.
  const bool wide = q.split_taps && row_fn_ && kernel_.wide_row_weights;
  if (q.split_taps && !wide) row_fn_ = nullptr;
  tap_reads_ = q.split_taps && !wide ? 2 : 1;
  const size_t taps = filter_taps * tap_reads_;
  if (taps > kMaxTaps) {
    return Status(StatusCode::kUnsupported, "depthwise kernel has more than 256 taps");
  }
  if (g.input_c < 1 || g.output_c % g.input_c != 0) {
    return Status(StatusCode::kInvalidArgument,
                  "depthwise output channels " + std::to_string(g.output_c) +
                      " are not a multiple of input channels " + std::to_string(g.input_c));
  }
  depth_multiplier_ = static_cast<size_t>(g.output_c / g.input_c);
  // One input channel fanned out: the fan-out kernels fill every lane.
  Qs8DwconvRowFn fanout = nullptr;
  if (g.input_c == 1 && !q.split_taps && qs8_dwconv_fanout_supported(channels)) {
    fanout = qs8_dwconv_fanout_kernel(kernel_, g.kernel_h, g.kernel_w, g.stride_w, g.dilation_h,
                                      g.dilation_w);
  }
  fanout_ = fanout != nullptr;
  if (fanout_) row_fn_ = fanout;
  expand_input_ = depth_multiplier_ > 1 && !(row_fn_ && (kernel_.row_multiplier || fanout_));
  if (expand_input_) {
    ctx.request_scratch(size_t(g.batch) * g.input_h * g.input_w * channels);
  }
  const size_t block = kernel_.channel_block;
  const size_t packed_bytes =
      fanout_ ? qs8_dwconv_fanout_packed_bytes(channels, g.kernel_h)
      : row_fn_ ? qs8_dwconv_rows_packed_bytes(block, channels, g.kernel_h, g.kernel_w)
                : qs8_dwconv_packed_bytes(block, channels, taps);
  packed_block_bytes_ = packed_bytes / ((channels + block - 1) / block);
  // Row kernels read the zero-point row at any column of a padding row.
  const size_t zero_bytes = row_fn_ ? size_t(g.input_w) * channels : channels;
  // Weights the model carries in this layout are used in place (bump the
  // version when a qs8_dwconv_pack* layout changes).
  const std::string key =
      std::string("qs8_dwconv.v1 ") + variant.name + " block=" + std::to_string(block) +
      " c=" + std::to_string(channels) + " k=" + std::to_string(g.kernel_h) + "x" +
      std::to_string(g.kernel_w) + " taps=" + std::to_string(taps) +
      " rows=" + (fanout_ ? "fanout" : row_fn_ ? "1" : "0") + " wide=" + (wide ? "1" : "0") +
      " zp=" + std::to_string(q.input_zero_point) + " bias=" + (bias ? "1" : "0");
  const void* packed = ctx.find_prepared(key, packed_bytes);
  // The row kernels' (or the generic kernel's) fixed-point requantization
  // terms, once per layer instead of per output row or pixel (sized whether
  // or not the parameters allow storing them; the fp32 profile has none).
  const Qs8DwconvRowTermsFn terms_fn =
      fanout_ ? nullptr : row_fn_ ? kernel_.row_terms : kernel_.fn_terms ? kernel_.generic_terms : nullptr;
  terms_block_bytes_ =
      row_fn_ ? kernel_.row_terms_block_bytes : kernel_.generic_terms_block_bytes;
  const size_t terms_bytes = terms_fn && ctx.profile() != RequantProfile::kXnnpackFp32
                                 ? (channels + block - 1) / block * size_t(terms_block_bytes_)
                                 : 0;
  if (ctx.sizing_only()) {
    if (!packed) ctx.reserve_persistent(packed_bytes);
    ctx.reserve_persistent(zero_bytes);
    if (terms_bytes) ctx.reserve_persistent(terms_bytes);
    return make_gemm_params(ctx, q, channels, 32, &params_);
  }
  auto* zero_row = static_cast<int8_t*>(ctx.allocate_persistent(zero_bytes));
  if (!packed) {
    void* fresh = ctx.allocate_persistent(packed_bytes);
    if (!fresh || !zero_row) {
      return Status(StatusCode::kResourceExhausted, "cannot allocate packed depthwise weights");
    }
    const int8_t* w = weights.get();
    if (fanout_) {
      qs8_dwconv_pack_fanout(channels, g.kernel_h, w, bias, q.input_zero_point, fresh);
    } else if (wide) {
      std::vector<int16_t> wide_weights(filter_taps * channels);
      for (size_t i = 0; i < wide_weights.size(); ++i) {
        wide_weights[i] = static_cast<int16_t>(w[i] + w[wide_weights.size() + i]);
      }
      qs8_dwconv_pack_rows_wide(block, channels, g.kernel_h, g.kernel_w, wide_weights.data(),
                                bias, q.input_zero_point, fresh);
    } else if (row_fn_) {
      qs8_dwconv_pack_rows(block, channels, g.kernel_h, g.kernel_w, w, bias, q.input_zero_point,
                           fresh);
    } else {
      qs8_dwconv_pack(block, channels, taps, w, bias, q.input_zero_point, fresh);
    }
    ctx.offer_prepared(key, fresh, packed_bytes);
    packed = fresh;
  }
  if (!zero_row) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate the depthwise zero row");
  }
  // Per-channel parameters padded to the widest vector step (32 channels).
  LOWBIT_RETURN_IF_ERROR(make_gemm_params(ctx, q, channels, 32, &params_));
  row_terms_ = nullptr;
  if (terms_bytes) {
    void* terms = ctx.allocate_persistent(terms_bytes);
    if (!terms) return Status(StatusCode::kResourceExhausted, "cannot allocate depthwise terms");
    if (terms_fn(channels, params_, terms)) row_terms_ = static_cast<uint8_t*>(terms);
  }
  std::memset(zero_row, q.input_zero_point, zero_bytes);
  dwconv_tap_offsets(g, channels, tap_offsets_);
  packed_ = static_cast<const uint8_t*>(packed);
  zero_row_ = zero_row;
  name_ = variant.name;
  if (row_fn_) {
    const std::string prefix = "qs8_dwconv_";
    // qs8_dwconv_3x3s2_c32__avx512vnni, or with the fan-out kernel
    // qs8_dwconv_3x3s2_fanout__avx512vnni.
    if (fanout_) name_ = prefix + "fanout" + name_.substr(name_.find("__"));
    name_.insert(prefix.size(), std::to_string(g.kernel_h) + "x" + std::to_string(g.kernel_w) +
                                    "s" + std::to_string(g.stride_w) + "_");
  }
  return Status::Ok();
}

Qs8GemmParams Qs8DwconvDriver::params_from(size_t c0) const {
  Qs8GemmParams p = params_;
  p.multiplier += c0;
  p.shift += c0;
  p.scale += c0;
  return p;
}

void Qs8DwconvDriver::expand_row(size_t row, const int8_t* input, int8_t* expanded) const {
  const size_t in_c = static_cast<size_t>(g_.input_c), m = depth_multiplier_;
  const int8_t* src = input + row * g_.input_w * in_c;
  int8_t* dst = expanded + row * g_.input_w * in_c * m;
  for (size_t i = 0; i < size_t(g_.input_w) * in_c; ++i, dst += m) std::memset(dst, src[i], m);
}

void Qs8DwconvDriver::run_rows_tile(size_t row, size_t c0, size_t nc, const int8_t* input,
                                    int8_t* output) const {
  const size_t channels = static_cast<size_t>(g_.output_c);
  const int32_t oy = static_cast<int32_t>(row % g_.output_h);
  const size_t b = row / g_.output_h;
  // The kernel spreads input channel c over outputs c*M .. c*M + M-1 itself,
  // unless the input was expanded (or M is 1).
  const size_t m = expand_input_ ? 1 : depth_multiplier_;
  const size_t input_stride = channels / m;
  const size_t row_bytes = size_t(g_.input_w) * input_stride;
  const int8_t* image = input + b * g_.input_h * row_bytes;
  const int8_t* rows[5];
  const int32_t iy0 = oy * g_.stride_h - g_.pad_top;
  for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
    const int32_t iy = iy0 + ky;
    rows[ky] = (iy >= 0 && iy < g_.input_h ? image + size_t(iy) * row_bytes : zero_row_) + c0 / m;
  }
  const Qs8GemmParams params = params_from(c0);
  Qs8DwconvRowArgs args;
  args.channels = nc;
  args.pixel_stride = channels;
  args.input_stride = input_stride;
  args.depth_multiplier = m;
  args.first_channel = c0;
  args.output_width = static_cast<size_t>(g_.output_w);
  args.rows = rows;
  args.input_x = -ptrdiff_t(g_.pad_left);
  args.input_width = static_cast<size_t>(g_.input_w);
  args.zero_row = zero_row_ + c0 / m;
  args.packed_w = packed_ + c0 / kernel_.channel_block * packed_block_bytes_;
  args.output = output + row * g_.output_w * channels + c0;
  args.params = &params;
  if (row_terms_) {
    args.row_terms = row_terms_ + c0 / kernel_.channel_block * terms_block_bytes_;
  }
  row_fn_(args);
}

void Qs8DwconvDriver::run_generic_tile(size_t row, size_t c0, size_t nc, const int8_t* input,
                                       int8_t* output) const {
  const size_t channels = static_cast<size_t>(g_.output_c);
  const int32_t oy = static_cast<int32_t>(row % g_.output_h);
  const size_t b = row / g_.output_h;
  const int8_t* taps[kMaxTaps];
  const size_t tap_count = size_t(g_.kernel_h) * g_.kernel_w;
  const int8_t* image = input + b * g_.input_h * g_.input_w * channels + c0;
  int8_t* out_row = output + (b * g_.output_h + oy) * g_.output_w * channels + c0;
  const Qs8GemmParams params = params_from(c0);
  const void* packed = packed_ + c0 / kernel_.channel_block * packed_block_bytes_;
  const void* terms =
      row_terms_ ? row_terms_ + c0 / kernel_.channel_block * terms_block_bytes_ : nullptr;
  for (int32_t ox = 0; ox < g_.output_w; ++ox) {
    dwconv_window_taps(g_, channels, image, oy, ox, tap_offsets_, zero_row_ + c0, taps);
    // Split taps: the second half of the weights reads the same pixels.
    if (tap_reads_ == 2) std::copy(taps, taps + tap_count, taps + tap_count);
    if (terms) {
      kernel_.fn_terms(nc, tap_count * tap_reads_, taps, packed, out_row + size_t(ox) * channels,
                       params, terms);
    } else {
      kernel_.fn(nc, tap_count * tap_reads_, taps, packed, out_row + size_t(ox) * channels,
                 params);
    }
  }
}

void Qs8DwconvDriver::run(ThreadPool& pool, const int8_t* input, int8_t* output,
                          void* scratch) const {
  if (expand_input_) {
    auto* expanded = static_cast<int8_t*>(scratch);
    pool.parallel_for(size_t(g_.batch) * g_.input_h,
                      [&](size_t row) { expand_row(row, input, expanded); });
    input = expanded;
  }
  const size_t rows = size_t(g_.batch) * g_.output_h;
  const size_t channels = static_cast<size_t>(g_.output_c), block = kernel_.channel_block;
  const size_t blocks = (channels + block - 1) / block;
  const size_t macs = rows * g_.output_w * channels * g_.kernel_h * g_.kernel_w * tap_reads_;
  if (macs < kMinMacsToSplit) {
    // A few microseconds of work: waking the other threads would cost more.
    for (size_t row = 0; row < rows; ++row) {
      if (row_fn_) {
        run_rows_tile(row, 0, channels, input, output);
      } else {
        run_generic_tile(row, 0, channels, input, output);
      }
    }
    return;
  }
  // Split channels only when there are fewer than 4 rows per thread.
  const size_t wanted_tiles = 4 * size_t(std::max(1, pool.num_threads()));
  size_t tiles = 1;
  // The fan-out kernels take every channel of a pixel in one call.
  if (!fanout_ && pool.num_threads() > 1 && rows < wanted_tiles) {
    tiles = std::min(blocks, (wanted_tiles + rows - 1) / rows);
  }
  const size_t blocks_per_tile = (blocks + tiles - 1) / tiles;
  tiles = (blocks + blocks_per_tile - 1) / blocks_per_tile;
  const size_t tile_channels = blocks_per_tile * block;
  pool.parallel_for_2d(rows, tiles, [&](size_t row, size_t tile) {
    const size_t c0 = tile * tile_channels, nc = std::min(tile_channels, channels - c0);
    if (row_fn_) {
      run_rows_tile(row, c0, nc, input, output);
    } else {
      run_generic_tile(row, c0, nc, input, output);
    }
  });
}

}  // namespace lowbit
