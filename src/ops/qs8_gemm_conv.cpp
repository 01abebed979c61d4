#include "ops/qs8_gemm_conv.h"

#include <algorithm>
#include <cstring>

namespace lowbit {

const KernelVariant<Qs8GemmKernel>& select_qs8_gemm(const KernelSelector& selector) {
  size_t count = 0;
  const KernelVariant<Qs8GemmKernel>* variants = qs8_gemm_variants(&count);
  return selector.select(variants, count);
}

Status Qs8GemmConv::prepare(PrepareContext& ctx, const KernelVariant<Qs8GemmKernel>& variant,
                            const Qs8ConvGeometry& g, const Qs8ConvQuantization& q,
                            const int8_t* weights, const int32_t* bias) {
  g_ = g;
  kernel_ = variant.fn;
  name_ = variant.name;
  input_zero_point_ = q.input_zero_point;
  k_ = size_t(g.kernel_h) * g.kernel_w * g.input_c;
  rows_ = size_t(g.batch) * g.output_h * g.output_w;
  direct_ = g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
            g.pad_top == 0 && g.pad_left == 0 && g.output_h == g.input_h &&
            g.output_w == g.input_w;

  const size_t n = static_cast<size_t>(g.output_c);
  void* packed = ctx.allocate_persistent(qs8_gemm_packed_bytes(kernel_.layout, n, k_));
  const size_t padded_n = (n + 15) / 16 * 16;
  auto* multiplier = static_cast<int32_t*>(ctx.allocate_persistent(padded_n * sizeof(int32_t)));
  auto* shift = static_cast<int32_t*>(ctx.allocate_persistent(padded_n * sizeof(int32_t)));
  auto* scale = static_cast<float*>(ctx.allocate_persistent(padded_n * sizeof(float)));
  if (!packed || !multiplier || !shift || !scale) {
    return Status(StatusCode::kResourceExhausted, "cannot allocate packed weights");
  }
  qs8_gemm_pack(kernel_.layout, n, k_, weights, bias, q.input_zero_point, packed);
  packed_ = packed;
  for (size_t c = 0; c < n; ++c) {
    multiplier[c] = q.requantizers[c].multiplier;
    shift[c] = q.requantizers[c].shift;
    scale[c] = q.requantizers[c].scale;
  }
  params_.profile = q.profile;
  params_.output_zero_point = q.output_zero_point;
  params_.output_min = q.output_min;
  params_.output_max = q.output_max;
  params_.multiplier = multiplier;
  params_.shift = shift;
  params_.scale = scale;

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
  // K x K layers whose pixels hold whole k-groups go through the variant's
  // indirect GEMM: per tile a list of tap pointers instead of a copy of the
  // receptive fields (narrow inputs such as RGB keep the gather, where a tap
  // would be less than a few groups).
  const size_t taps = size_t(g.kernel_h) * g.kernel_w;
  indirect_ = !direct_ && kernel_.igemm != nullptr && g.input_c >= 16 &&
              g.input_c % kernel_.layout.k_group == 0;
  const size_t tasks = row_splits_ * channel_splits_;
  if (indirect_) {
    auto* zeros = static_cast<int8_t*>(ctx.allocate_persistent(size_t(g.input_c)));
    if (!zeros) return Status(StatusCode::kResourceExhausted, "cannot allocate the padding row");
    // The zero point is real zero: the packed bias's zp*sum(w) cancels it.
    std::memset(zeros, static_cast<int8_t>(q.input_zero_point), size_t(g.input_c));
    padding_ = zeros;
    // Byte offsets of the taps from a window's top-left pixel, for windows
    // that lie inside the image (most of them).
    auto* offsets = static_cast<ptrdiff_t*>(ctx.allocate_persistent(taps * sizeof(ptrdiff_t)));
    if (!offsets) return Status(StatusCode::kResourceExhausted, "cannot allocate tap offsets");
    for (int32_t ky = 0; ky < g.kernel_h; ++ky) {
      for (int32_t kx = 0; kx < g.kernel_w; ++kx) {
        offsets[ky * g.kernel_w + kx] =
            (ptrdiff_t(ky) * g.dilation_h * g.input_w + ptrdiff_t(kx) * g.dilation_w) * g.input_c;
      }
    }
    tap_offsets_ = offsets;
    ctx.request_scratch(tasks * kernel_.mr * taps * sizeof(const int8_t*));
  } else if (!direct_) {
    ctx.request_scratch(tasks * kernel_.mr * k_);
  }
  return Status::Ok();
}

namespace {

inline void move16(int8_t* dst, const int8_t* src) {
  uint64_t v[2];
  std::memcpy(v, src, 16);
  std::memcpy(dst, v, 16);
}

// Small copies (a kernel row of an RGB input is 3 to 21 bytes) as two
// overlapping fixed-size moves instead of a memcpy call or a byte loop.
inline void copy_bytes(int8_t* dst, const int8_t* src, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t head, tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + n - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + n - 4, &tail, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else if (n <= 512) {
    // Kernel rows of 3x3 layers (3 * C bytes): 16-byte moves and an
    // overlapping last one; a memcpy call per row costs as much again.
    size_t i = 0;
    for (; i + 16 <= n; i += 16) move16(dst + i, src + i);
    if (i < n) move16(dst + n - 16, src + n - 16);
  } else {
    std::memcpy(dst, src, n);
  }
}

inline void fill_bytes(int8_t* dst, int8_t value, size_t n) {
  if (n >= 8 && n <= 16) {
    const uint64_t pattern = uint64_t{0x0101010101010101u} * static_cast<uint8_t>(value);
    std::memcpy(dst, &pattern, 8);
    std::memcpy(dst + n - 8, &pattern, 8);
  } else if (n < 8) {
    for (size_t i = 0; i < n; ++i) dst[i] = value;
  } else {
    std::memset(dst, value, n);
  }
}

}  // namespace

void Qs8GemmConv::gather(size_t b, size_t oy, size_t ox, const int8_t* input, int8_t* dst) const {
  const size_t c = static_cast<size_t>(g_.input_c);
  const int32_t ix0 = int32_t(ox) * g_.stride_w - g_.pad_left;
  const int32_t ix_last = ix0 + (g_.kernel_w - 1) * g_.dilation_w;
  // Undilated taps of one kernel row that all lie inside the input are
  // contiguous in NHWC: one copy of kernel_w * c bytes.
  const bool row_contiguous = g_.dilation_w == 1 && ix0 >= 0 && ix_last < g_.input_w;
  const int8_t zero_point = static_cast<int8_t>(input_zero_point_);
  for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
    const int32_t iy = int32_t(oy) * g_.stride_h - g_.pad_top + ky * g_.dilation_h;
    const bool row_inside = iy >= 0 && iy < g_.input_h;
    const int8_t* input_row = input + (b * g_.input_h + (row_inside ? iy : 0)) * g_.input_w * c;
    if (!row_inside) {
      // The zero point is real zero: the packed bias's zp*sum(w) cancels it.
      fill_bytes(dst, zero_point, g_.kernel_w * c);
      dst += g_.kernel_w * c;
      continue;
    }
    if (row_contiguous) {
      copy_bytes(dst, input_row + size_t(ix0) * c, g_.kernel_w * c);
      dst += g_.kernel_w * c;
      continue;
    }
    for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
      const int32_t ix = ix0 + kx * g_.dilation_w;
      if (ix < 0 || ix >= g_.input_w) {
        fill_bytes(dst, zero_point, c);
      } else {
        copy_bytes(dst, input_row + size_t(ix) * c, c);
      }
      dst += c;
    }
  }
}

void Qs8GemmConv::fill_indirection(size_t row0, size_t mr, const int8_t* input,
                                   const int8_t** taps) const {
  size_t ox = row0 % g_.output_w;
  size_t oy = (row0 / g_.output_w) % g_.output_h;
  size_t b = row0 / (size_t(g_.output_w) * g_.output_h);
  const size_t c = static_cast<size_t>(g_.input_c);
  for (size_t m = 0; m < mr; ++m) {
    const int32_t iy0 = int32_t(oy) * g_.stride_h - g_.pad_top;
    const int32_t ix0 = int32_t(ox) * g_.stride_w - g_.pad_left;
    const int8_t* image = input + b * size_t(g_.input_h) * g_.input_w * c;
    const size_t count = size_t(g_.kernel_h) * g_.kernel_w;
    if (iy0 >= 0 && iy0 + (g_.kernel_h - 1) * g_.dilation_h < g_.input_h && ix0 >= 0 &&
        ix0 + (g_.kernel_w - 1) * g_.dilation_w < g_.input_w) {
      const int8_t* corner = image + (size_t(iy0) * g_.input_w + size_t(ix0)) * c;
      for (size_t t = 0; t < count; ++t) taps[t] = corner + tap_offsets_[t];
      taps += count;
    } else {
      for (int32_t ky = 0; ky < g_.kernel_h; ++ky) {
        const int32_t iy = iy0 + ky * g_.dilation_h;
        for (int32_t kx = 0; kx < g_.kernel_w; ++kx) {
          const int32_t ix = ix0 + kx * g_.dilation_w;
          const bool inside = iy >= 0 && iy < g_.input_h && ix >= 0 && ix < g_.input_w;
          *taps++ = inside ? image + (size_t(iy) * g_.input_w + size_t(ix)) * c : padding_;
        }
      }
    }
    if (++ox == size_t(g_.output_w)) {
      ox = 0;
      if (++oy == size_t(g_.output_h)) {
        oy = 0;
        ++b;
      }
    }
  }
}

void Qs8GemmConv::run_tiles(size_t first_tile, size_t end_tile, size_t first_channel,
                            size_t end_channel, const int8_t* input, int8_t* output,
                            int8_t* strip) const {
  const int8_t* rows[16];
  const size_t n = static_cast<size_t>(g_.output_c);
  const size_t nc = end_channel - first_channel;
  const size_t block_bytes = sizeof(int32_t) + qs8_gemm_padded_k(kernel_.layout, k_);
  const void* packed = static_cast<const uint8_t*>(packed_) + first_channel * block_bytes;
  // The kernel indexes requantization parameters from its first channel.
  Qs8GemmParams params = params_;
  params.multiplier += first_channel;
  params.shift += first_channel;
  params.scale += first_channel;
  for (size_t tile = first_tile; tile < end_tile; ++tile) {
    const size_t row0 = tile * tile_rows_;
    const size_t mr = std::min<size_t>(tile_rows_, rows_ - row0);
    int8_t* out = output + row0 * n + first_channel;
    if (indirect_) {
      auto* taps = reinterpret_cast<const int8_t**>(strip);
      fill_indirection(row0, mr, input, taps);
      kernel_.igemm(mr, nc, size_t(g_.kernel_h) * g_.kernel_w, size_t(g_.input_c), taps, packed,
                    out, n, params);
      continue;
    }
    if (direct_) {
      for (size_t m = 0; m < mr; ++m) rows[m] = input + (row0 + m) * k_;
    } else {
      // Pixel coordinates of the tile's first row, then stepped (no division per row).
      size_t ox = row0 % g_.output_w;
      size_t oy = (row0 / g_.output_w) % g_.output_h;
      size_t b = row0 / (size_t(g_.output_w) * g_.output_h);
      for (size_t m = 0; m < mr; ++m) {
        gather(b, oy, ox, input, strip + m * k_);
        rows[m] = strip + m * k_;
        if (++ox == size_t(g_.output_w)) {
          ox = 0;
          if (++oy == size_t(g_.output_h)) {
            oy = 0;
            ++b;
          }
        }
      }
    }
    kernel_.fn(mr, nc, k_, rows, packed, out, n, params);
  }
}

void Qs8GemmConv::run(ThreadPool& pool, const int8_t* input, int8_t* output, void* scratch) const {
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
    const size_t strip_bytes =
        indirect_ ? kernel_.mr * size_t(g_.kernel_h) * g_.kernel_w * sizeof(const int8_t*)
                  : kernel_.mr * k_;
    run_tiles(first_tile, end_tile, first_channel, end_channel, input, output,
              direct_ ? nullptr : strips + task * strip_bytes);
  });
}

}  // namespace lowbit
