#include "ops/drivers/qs8_gemm_conv_driver.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace lowbit {

Status make_gemm_params(PrepareContext& ctx, const Qs8ConvQuantization& q, size_t channels,
                        size_t channel_step, Qs8GemmParams* params) {
  const size_t padded = (channels + channel_step - 1) / channel_step * channel_step;
  auto* multiplier = static_cast<int32_t*>(ctx.allocate_persistent(padded * sizeof(int32_t)));
  auto* shift = static_cast<int32_t*>(ctx.allocate_persistent(padded * sizeof(int32_t)));
  auto* scale = static_cast<float*>(ctx.allocate_persistent(padded * sizeof(float)));
  if (!multiplier || !shift || !scale) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate requantization parameters");
  }
  for (size_t c = 0; c < channels; ++c) {
    multiplier[c] = q.requantizers[c].multiplier;
    shift[c] = q.requantizers[c].shift;
    scale[c] = q.requantizers[c].scale;
  }
  params->profile = q.profile;
  params->output_zero_point = q.output_zero_point;
  params->output_min = q.output_min;
  params->output_max = q.output_max;
  params->multiplier = multiplier;
  params->shift = shift;
  params->scale = scale;
  return Status::Ok();
}

// Weights (padded to whole segments for row taps) and the folded bias in
// the GEMM's packed layout.
Status Qs8GemmConvDriver::pack_weights(PrepareContext& ctx, const Qs8ConvQuantization& q,
                                       size_t packed_bytes, const int8_t* weights,
                                       const int32_t* bias) {
  const Qs8ConvGeometry& g = g_;
  const size_t n = static_cast<size_t>(g.output_c);
  // The row sums count the input zero point K times: the bias takes it back.
  std::vector<int32_t> folded_bias;
  if (row_sum_multiplier_ != 0) {
    folded_bias.resize(n);
    const int64_t correction = int64_t(row_sum_multiplier_) * int64_t(k_) * q.input_zero_point;
    for (size_t o = 0; o < n; ++o) {
      folded_bias[o] = static_cast<int32_t>((bias ? bias[o] : 0) - correction);
    }
    bias = folded_bias.data();
  }
  std::vector<int8_t> padded_weights;
  if (source_ == RowSource::kRowTaps) {
    const size_t segment = size_t(g.kernel_w) * g.input_c;
    padded_weights.assign(n * packed_k_, 0);
    for (size_t o = 0; o < n; ++o) {
      for (int32_t ky = 0; ky < g.kernel_h; ++ky) {
        std::memcpy(&padded_weights[o * packed_k_ + ky * segment_bytes_],
                    weights + o * k_ + ky * segment, segment);
      }
    }
    weights = padded_weights.data();
  }
  void* packed = ctx.allocate_persistent(packed_bytes);
  if (!packed) return Status(StatusCode::kResourceExhausted, "cannot allocate packed weights");
  qs8_gemm_pack(kernel_.layout, n, packed_k_, weights, bias, q.input_zero_point, packed);
  packed_ = packed;
  return Status::Ok();
}

// Bump the version whenever qs8_gemm_pack's layout or this driver's
// padding changes without a change of the key's other fields: models
// converted before then must not match.
std::string Qs8GemmConvDriver::packed_key(const Qs8ConvQuantization& q, bool has_bias) const {
  const Qs8GemmLayout& layout = kernel_.layout;
  return std::string("qs8_gemm.v1 ") + variant_name_ + " nr=" + std::to_string(layout.nr) +
         " kg=" + std::to_string(layout.k_group) + " u=" + (layout.unsigned_activations ? "1" : "0") +
         " n=" + std::to_string(g_.output_c) + " k=" + std::to_string(k_) +
         " pk=" + std::to_string(packed_k_) + " seg=" + std::to_string(segment_bytes_) +
         " kw=" + std::to_string(g_.kernel_w) + " c=" + std::to_string(g_.input_c) +
         " zp=" + std::to_string(q.input_zero_point) +
         " rs=" + std::to_string(q.row_sum_multiplier) + " bias=" + (has_bias ? "1" : "0");
}

Status Qs8GemmConvDriver::prepare(PrepareContext& ctx, const KernelVariant<Qs8GemmKernel>& variant,
                                  const Qs8ConvGeometry& g, const Qs8ConvQuantization& q,
                                  const DriverWeights& weights, const int32_t* bias) {
  g_ = g;
  kernel_ = variant.fn;
  name_ = variant_name_ = variant.name;
  // Layers of one packed block run the variant's taller tile where it has
  // one (same packed weights, so the key below does not change), unless the
  // variant's own tile holds every row (a batch-1 FULLY_CONNECTED layer: the
  // taller tile computes rows in fours).
  const size_t rows = size_t(g.batch) * g.output_h * g.output_w;
  if (kernel_.narrow != nullptr && size_t(g.output_c) <= kernel_.layout.nr &&
      rows > kernel_.mr) {
    name_ = kernel_.narrow->name;
    kernel_ = qs8_gemm_narrow_form(kernel_);
  }
  input_zero_point_ = q.input_zero_point;
  row_sum_multiplier_ = q.row_sum_multiplier;
  if (row_sum_multiplier_ != 0 && !kernel_.row_offsets) {
    return Status(StatusCode::kInternal, std::string(variant.name) + " has no row offsets");
  }
  k_ = size_t(g.kernel_h) * g.kernel_w * g.input_c;
  rows_ = size_t(g.batch) * g.output_h * g.output_w;
  direct_ = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
            g.pad_top == 0 && g.pad_left == 0 && g.output_h == g.input_h &&
            g.output_w == g.input_w;

  // Where GEMM rows come from (see the header). Kernel-row taps need
  // undilated rows; each row of kernel_w * C bytes is padded to whole
  // k-groups with zero weights, so the up to 3 bytes read past it count 0.
  // Rows under 8 bytes (KWS's 10x4 one-channel layer) stay gathered: one
  // group per tap costs more in pointer loads than the copy (0.030 vs
  // 0.035 ms for the KWS model).
  const size_t group = kernel_.layout.k_group;
  if (direct_) {
    source_ = RowSource::kDirect;
  } else if (kernel_.igemm != nullptr && g.input_c >= 16 && g.input_c % group == 0) {
    source_ = RowSource::kPixelTaps;
  } else if (kernel_.igemm != nullptr && g.dilation_w == 1 &&
             size_t(g.kernel_w) * g.input_c >= 8) {
    source_ = RowSource::kRowTaps;
    segment_bytes_ = (size_t(g.kernel_w) * g.input_c + group - 1) / group * group;
  } else {
    source_ = RowSource::kGather;
  }
  packed_k_ = source_ == RowSource::kRowTaps ? size_t(g.kernel_h) * segment_bytes_ : k_;
  // Row sums are taken over the rows the kernel reads: those stay int8.
  const bool indirect = source_ == RowSource::kPixelTaps || source_ == RowSource::kRowTaps;
  offset_ = row_sum_multiplier_ == 0 && kernel_.offset_activations != nullptr &&
            (indirect ? kernel_.igemm_offset != nullptr : kernel_.fn_offset != nullptr);
  padding_byte_ = static_cast<int8_t>(offset_ ? (q.input_zero_point ^ 0x80) : q.input_zero_point);
  // Kernel rows of a small-channel input (an RGB first layer's 3 x 3
  // bytes) cost more to find and compose at the borders than to multiply:
  // the offset copy of the input takes its padding instead.
  padded_ = offset_ && source_ == RowSource::kRowTaps;
  if (padded_) {
    const int32_t extent_h = (g.output_h - 1) * g.stride_h + (g.kernel_h - 1) * g.dilation_h + 1;
    const int32_t extent_w = (g.output_w - 1) * g.stride_w + g.kernel_w;
    padded_h_ = size_t(std::max(extent_h, g.pad_top + g.input_h));
    padded_w_ = size_t(std::max(extent_w, g.pad_left + g.input_w));
  }

  const size_t n = static_cast<size_t>(g.output_c);
  const size_t packed_bytes = qs8_gemm_packed_bytes(kernel_.layout, n, packed_k_);
  // Weights the model carries in this layout are used in place.
  const std::string key = packed_key(q, bias != nullptr);
  if (const void* prepared = ctx.find_prepared(key, packed_bytes)) {
    packed_ = prepared;
  } else if (ctx.sizing_only()) {
    ctx.reserve_persistent(packed_bytes);
  } else {
    LOWBIT_RETURN_IF_ERROR(pack_weights(ctx, q, packed_bytes, weights.get(), bias));
    ctx.offer_prepared(key, packed_, packed_bytes);
  }
  LOWBIT_RETURN_IF_ERROR(make_gemm_params(ctx, q, n, 16, &params_));
  LOWBIT_RETURN_IF_ERROR(prepare_requant_terms(ctx, bias));

  // Work splits into row_splits x channel_splits rectangles, one per task,
  // each with its own strip. Few row tiles (batch-1 FC, small images) would
  // leave threads idle, so channel blocks are split too. Each output is
  // computed by the same tile of rows and block of NR channels whatever
  // the split, so the bytes do not depend on the thread count.
  // Tiles of equal height (at most MR): 49 rows run as 7 x 7 rather than
  // 6 x 8 + 1, since a tile costs nearly as much as a full one. The height
  // depends on the rows alone, never on the thread count.
  const size_t mr_tiles = std::max<size_t>(1, (rows_ + kernel_.mr - 1) / kernel_.mr);
  tile_rows_ = std::max<size_t>(1, (rows_ + mr_tiles - 1) / mr_tiles);
  const size_t tiles = (rows_ + tile_rows_ - 1) / tile_rows_;
  const size_t threads = static_cast<size_t>(std::max(1, ctx.pool().num_threads()));
  const size_t channel_blocks = (n + kernel_.layout.nr - 1) / kernel_.layout.nr;
  if (tiles >= 4 * threads || channel_blocks == 1) {
    row_splits_ = std::min(threads, tiles);
    channel_splits_ = 1;
  } else {
    channel_splits_ = std::min(threads, channel_blocks);
    row_splits_ = std::min(tiles, (threads + channel_splits_ - 1) / channel_splits_);
  }
  if (source_ == RowSource::kPixelTaps) {
    LOWBIT_RETURN_IF_ERROR(prepare_pixel_taps(ctx));
  } else if (source_ == RowSource::kRowTaps) {
    // Rows outside the image read one segment of the zero point.
    auto* zeros = static_cast<int8_t*>(ctx.allocate_persistent(segment_bytes_));
    if (!zeros) return Status(StatusCode::kResourceExhausted, "cannot allocate the padding row");
    std::memset(zeros, padding_byte_, segment_bytes_);
    padding_ = zeros;
    if (padded_) LOWBIT_RETURN_IF_ERROR(prepare_padded_row_taps(ctx));
  }
  ctx.request_scratch(strips_bytes() + (offset_ ? offset_input_bytes() : 0));
  return Status::Ok();
}

// Sized whether or not the layer's parameters allow storing the terms, so
// the sizing pass counts the same bytes; the fp32 profile has none.
Status Qs8GemmConvDriver::prepare_requant_terms(PrepareContext& ctx, const int32_t* bias) {
  params_.requant_terms = nullptr;
  terms_block_bytes_ = kernel_.requant_terms_block_bytes;
  if (kernel_.requant_terms == nullptr || ctx.profile() == RequantProfile::kXnnpackFp32) {
    return Status::Ok();
  }
  const size_t n = static_cast<size_t>(g_.output_c);
  const size_t bytes = (n + kernel_.layout.nr - 1) / kernel_.layout.nr * terms_block_bytes_;
  if (ctx.sizing_only()) {
    ctx.reserve_persistent(bytes);
    return Status::Ok();
  }
  void* terms = ctx.allocate_persistent(bytes);
  if (!terms) return Status(StatusCode::kResourceExhausted, "cannot allocate requantization terms");
  // Every accumulator is TFLite's: the bias plus K products of a weight and
  // an input, each at most 255 from its zero point (the K read, padding
  // included, bounds the K that counts).
  uint64_t bound = uint64_t(packed_k_) * 255 * 255;
  uint64_t largest_bias = 0;
  for (size_t o = 0; bias != nullptr && o < n; ++o) {
    largest_bias = std::max<uint64_t>(largest_bias, uint64_t(std::llabs(int64_t(bias[o]))));
  }
  bound = std::min<uint64_t>(bound + largest_bias, UINT32_MAX);
  if (kernel_.requant_terms(n, params_, uint32_t(bound), terms)) params_.requant_terms = terms;
  return Status::Ok();
}

void Qs8GemmConvDriver::run_tiles(size_t first_tile, size_t end_tile, size_t first_channel,
                                  size_t end_channel, const int8_t* input, int8_t* output,
                                  int8_t* strip, const int32_t* row_sums) const {
  const int8_t* rows[16];
  const size_t n = static_cast<size_t>(g_.output_c);
  const size_t nc = end_channel - first_channel;
  const size_t block_bytes = sizeof(int32_t) + qs8_gemm_padded_k(kernel_.layout, packed_k_);
  const void* packed = static_cast<const uint8_t*>(packed_) + first_channel * block_bytes;
  // The kernel indexes requantization parameters from its first channel.
  Qs8GemmParams params = params_;
  params.multiplier += first_channel;
  params.shift += first_channel;
  params.scale += first_channel;
  if (params.requant_terms != nullptr) {
    params.requant_terms = static_cast<const uint8_t*>(params.requant_terms) +
                           first_channel / kernel_.layout.nr * terms_block_bytes_;
  }
  const size_t kernel_taps = size_t(g_.kernel_h) * g_.kernel_w;
  int32_t offsets[16];
  if (row_sum_multiplier_ != 0) params.row_offsets = offsets;
  const bool sums = row_sum_multiplier_ != 0;
  const Qs8GemmFn gemm = offset_ ? kernel_.fn_offset : kernel_.fn;
  const Qs8IgemmFn igemm = offset_ ? kernel_.igemm_offset : kernel_.igemm;
  for (size_t tile = first_tile; tile < end_tile; ++tile) {
    const size_t row0 = tile * tile_rows_;
    const size_t mr = std::min<size_t>(tile_rows_, rows_ - row0);
    int8_t* out = output + row0 * n + first_channel;
    switch (source_) {
      case RowSource::kDirect:
        for (size_t m = 0; m < mr; ++m) rows[m] = input + (row0 + m) * k_;
        if (sums && row_sums) {
          for (size_t m = 0; m < mr; ++m) {
            offsets[m] = static_cast<int32_t>(uint32_t(row_sums[row0 + m]) *
                                              uint32_t(row_sum_multiplier_));
          }
        } else if (sums) {
          row_offsets(mr, 1, rows, k_, offsets);
        }
        gemm(mr, nc, k_, rows, packed, out, n, params);
        break;
      case RowSource::kGather:
        gather_tile(row0, mr, input, strip, rows);
        if (sums) row_offsets(mr, 1, rows, k_, offsets);
        gemm(mr, nc, k_, rows, packed, out, n, params);
        break;
      case RowSource::kPixelTaps: {
        const int8_t** taps = indirection_ + row0 * kernel_taps;
        if (indirection_ == nullptr) {
          taps = reinterpret_cast<const int8_t**>(strip);
          fill_pixel_taps(row0, mr, input, taps);
        }
        if (sums) row_offsets(mr, kernel_taps, taps, size_t(g_.input_c), offsets);
        igemm(mr, nc, kernel_taps, size_t(g_.input_c), taps, packed, out, n, params);
        break;
      }
      case RowSource::kRowTaps: {
        auto* taps = reinterpret_cast<const int8_t**>(strip);
        if (padded_) {
          fill_padded_row_taps(row0, mr, input, taps);
        } else {
          int8_t* composed = strip + kernel_.mr * size_t(g_.kernel_h) * sizeof(const int8_t*);
          fill_row_taps(row0, mr, input, taps, composed);
        }
        if (sums) {
          row_offsets(mr, size_t(g_.kernel_h), taps, size_t(g_.kernel_w) * g_.input_c, offsets);
        }
        igemm(mr, nc, size_t(g_.kernel_h), segment_bytes_, taps, packed, out, n, params);
        break;
      }
    }
  }
}

namespace {

// The sum of n int8 values, in int16 pieces of 256 (which cannot overflow):
// GCC vectorizes the 16-bit loop at twice the width of a 32-bit one.
int32_t sum_bytes(const int8_t* p, size_t n) {
  int32_t total = 0;
  while (n > 0) {
    const size_t piece = std::min<size_t>(n, 256);
    int16_t part = 0;
    for (size_t i = 0; i < piece; ++i) part = static_cast<int16_t>(part + p[i]);
    total += part;
    p += piece;
    n -= piece;
  }
  return total;
}

}  // namespace

void Qs8GemmConvDriver::row_offsets(size_t mr, size_t taps, const int8_t* const* runs,
                                    size_t used, int32_t* offsets) const {
  for (size_t m = 0; m < mr; ++m) {
    int32_t sum = 0;
    for (size_t t = 0; t < taps; ++t) sum += sum_bytes(runs[m * taps + t], used);
    // Wraps like the kernels' int32 lanes: only the final accumulator is
    // known to fit (check_accumulator_range).
    offsets[m] = static_cast<int32_t>(uint32_t(sum) * uint32_t(row_sum_multiplier_));
  }
}

size_t Qs8GemmConvDriver::strip_bytes() const {
  const size_t mr = kernel_.mr;
  switch (source_) {
    case RowSource::kDirect:
      return 0;
    case RowSource::kGather:
      return mr * k_;
    case RowSource::kPixelTaps:
      if (indirection_ != nullptr) return 0;
      return mr * size_t(g_.kernel_h) * g_.kernel_w * sizeof(const int8_t*);
    case RowSource::kRowTaps:
      if (padded_) return mr * size_t(g_.kernel_h) * sizeof(const int8_t*);
      // Pointers, then room for every segment composed at an image border.
      return mr * size_t(g_.kernel_h) * (sizeof(const int8_t*) + segment_bytes_);
  }
  return 0;
}

// Rounded to 64 bytes: the offset input after the strips starts on a cache
// line where the scratch does.
size_t Qs8GemmConvDriver::strips_bytes() const {
  return (row_splits_ * channel_splits_ * ((strip_bytes() + 7) & ~size_t{7}) + 63) & ~size_t{63};
}

void Qs8GemmConvDriver::run(ThreadPool& pool, const int8_t* input, int8_t* output,
                            void* scratch, const int32_t* row_sums) const {
  if (offset_) {
    auto* offset_input = static_cast<int8_t*>(scratch) + strips_bytes();
    if (padded_) {
      pad_input(input, offset_input);
    } else {
      kernel_.offset_activations(input, offset_input, input_bytes());
    }
    input = offset_input;
  }
  if (indirection_ != nullptr) build_indirection(input);
  const size_t tiles = (rows_ + tile_rows_ - 1) / tile_rows_;
  const size_t nr = kernel_.layout.nr;
  const size_t channel_blocks = (static_cast<size_t>(g_.output_c) + nr - 1) / nr;
  auto* strips = static_cast<int8_t*>(scratch);
  pool.parallel_for(row_splits_ * channel_splits_, [&](size_t task) {
    const size_t r = task / channel_splits_, c = task % channel_splits_;
    const size_t first_tile = tiles * r / row_splits_;
    const size_t end_tile = tiles * (r + 1) / row_splits_;
    const size_t first_channel = channel_blocks * c / channel_splits_ * nr;
    const size_t end_channel = std::min<size_t>(channel_blocks * (c + 1) / channel_splits_ * nr,
                                                static_cast<size_t>(g_.output_c));
    // Strips hold pointers first: keep each task's strip pointer-aligned.
    const size_t stride = (strip_bytes() + 7) & ~size_t{7};
    run_tiles(first_tile, end_tile, first_channel, end_channel, input, output,
              strips + task * stride, row_sums);
  });
}

}  // namespace lowbit
