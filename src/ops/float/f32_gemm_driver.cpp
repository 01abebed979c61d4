#include "ops/float/f32_gemm_driver.h"

#include <algorithm>
#include <cstdint>

namespace lowbit {

Status F32GemmDriver::prepare_gemm(PrepareContext& ctx,
                                   const KernelVariant<F32IgemmKernel>& variant, size_t rows,
                                   size_t n, size_t k, size_t a_stride, const float* weights,
                                   const float* bias, float out_min, float out_max) {
  direct_ = true;
  rows_ = rows, n_ = n, taps_ = 1, kc_ = k, a_stride_ = a_stride;
  out_min_ = out_min, out_max_ = out_max;
  return prepare_common(ctx, variant, weights, bias);
}

Status F32GemmDriver::prepare_conv(PrepareContext& ctx,
                                   const KernelVariant<F32IgemmKernel>& variant,
                                   const ref::F32ConvParams& p, const float* weights,
                                   const float* bias) {
  conv_ = p;
  direct_ = false;
  rows_ = size_t(p.batch) * size_t(p.out_h) * size_t(p.out_w);
  n_ = size_t(p.out_channels());
  // Undilated rows of the window are contiguous in the input: one tap of
  // kernel_w * channels floats per kernel row (a 3x3 stem on 3 channels runs
  // 3 taps of 9, not 9 of 3).
  row_taps_ = p.dilation_w == 1 && p.kernel_w > 1;
  taps_ = row_taps_ ? size_t(p.kernel_h) : size_t(p.kernel_h) * size_t(p.kernel_w);
  kc_ = size_t(p.in_channels) * (row_taps_ ? size_t(p.kernel_w) : 1);
  out_min_ = p.out_min, out_max_ = p.out_max;
  auto* zeros = static_cast<float*>(ctx.allocate_persistent(kc_ * sizeof(float)));
  if (zeros == nullptr) return Status(StatusCode::kResourceExhausted, "cannot allocate zeros");
  std::fill(zeros, zeros + kc_, 0.0f);
  zeros_ = zeros;
  return prepare_common(ctx, variant, weights, bias);
}

Status F32GemmDriver::prepare_common(PrepareContext& ctx,
                                     const KernelVariant<F32IgemmKernel>& variant,
                                     const float* weights, const float* bias) {
  kernel_ = variant.fn.tile_for(n_);
  const size_t nr = kernel_.nr, k = taps_ * kc_;
  const size_t packed_bytes = f32_igemm_packed_floats(nr, n_, k) * sizeof(float);
  if (ctx.sizing_only()) {
    ctx.reserve_persistent(packed_bytes);
  } else {
    auto* packed = static_cast<float*>(ctx.allocate_persistent(packed_bytes));
    if (packed == nullptr) {
      return Status(StatusCode::kResourceExhausted, "cannot allocate packed float weights");
    }
    f32_igemm_pack(nr, n_, k, weights, bias, packed);
    packed_ = packed;
  }

  // Few row tiles (batch-1 FULLY_CONNECTED, small images) would leave
  // threads idle, so channel panels are split too (as the int8 driver does).
  const size_t tiles = (rows_ + kernel_.mr - 1) / kernel_.mr;
  const size_t panels = (n_ + nr - 1) / nr;
  const size_t threads = size_t(std::max(1, ctx.pool().num_threads()));
  if (tiles >= 4 * threads || panels == 1) {
    row_splits_ = std::max<size_t>(1, std::min(threads, tiles));
    channel_splits_ = 1;
  } else {
    channel_splits_ = std::min(threads, panels);
    row_splits_ = std::max<size_t>(1, std::min(tiles, (threads + channel_splits_ - 1) /
                                                          channel_splits_));
  }
  ctx.request_scratch(row_splits_ * channel_splits_ * strip_bytes());
  return Status::Ok();
}

size_t F32GemmDriver::strip_bytes() const {
  const size_t pointers = kernel_.mr * taps_ * sizeof(const float*);
  const size_t rows = row_taps_ ? kernel_.mr * taps_ * kc_ * sizeof(float) : 0;
  return (pointers + rows + 63) & ~size_t{63};  // each strip's pointers aligned
}

void F32GemmDriver::fill_rows(size_t row0, size_t count, const float* input, const float** a,
                              float* composed) const {
  if (direct_) {
    for (size_t m = 0; m < count; ++m) a[m] = input + (row0 + m) * a_stride_;
    return;
  }
  // The first row's position by division, then stepped: this runs once per
  // row, against kernel_h * kernel_w * channels multiply-adds per output.
  const ref::F32ConvParams& p = conv_;
  int64_t ox = int64_t(row0 % size_t(p.out_w));
  int64_t oy = int64_t(row0 / size_t(p.out_w) % size_t(p.out_h));
  int64_t b = int64_t(row0 / size_t(p.out_w) / size_t(p.out_h));
  const int64_t pixel_stride = p.in_channels, row_stride = int64_t(p.in_w) * p.in_channels;
  for (size_t m = 0; m < count; ++m) {
    const float* image = input + b * p.in_h * row_stride;
    const int64_t iy0 = oy * p.stride_h - p.pad_top, ix0 = ox * p.stride_w - p.pad_left;
    const bool row_inside = ix0 >= 0 && ix0 + p.kernel_w <= p.in_w;
    for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
      const int64_t iy = iy0 + int64_t(ky) * p.dilation_h;
      if (row_taps_ && iy >= 0 && iy < p.in_h) {
        const float* line = image + iy * row_stride;
        if (row_inside) {
          *a++ = line + ix0 * pixel_stride;
          continue;
        }
        // Cut by the left or right border: the row with zeros, in the strip.
        float* segment = composed + (m * taps_ + size_t(ky)) * kc_;
        for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
          const int64_t ix = ix0 + kx;
          float* to = segment + size_t(kx) * size_t(pixel_stride);
          if (ix >= 0 && ix < p.in_w) {
            std::copy_n(line + ix * pixel_stride, pixel_stride, to);
          } else {
            std::fill_n(to, pixel_stride, 0.0f);
          }
        }
        *a++ = segment;
        continue;
      }
      if (row_taps_) {
        *a++ = zeros_;
        continue;
      }
      if (iy < 0 || iy >= p.in_h) {
        for (int32_t kx = 0; kx < p.kernel_w; ++kx) *a++ = zeros_;
        continue;
      }
      const float* line = image + iy * row_stride;
      for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
        const int64_t ix = ix0 + int64_t(kx) * p.dilation_w;
        *a++ = ix >= 0 && ix < p.in_w ? line + ix * pixel_stride : zeros_;
      }
    }
    if (++ox == p.out_w) {
      ox = 0;
      if (++oy == p.out_h) oy = 0, ++b;
    }
  }
}

void F32GemmDriver::run(ThreadPool& pool, const float* input, float* output,
                        void* scratch) const {
  if (rows_ == 0 || n_ == 0) return;
  const size_t mr = kernel_.mr, nr = kernel_.nr;
  const size_t tiles = (rows_ + mr - 1) / mr;
  const size_t panels = (n_ + nr - 1) / nr;
  const size_t panel_floats = nr * (taps_ * kc_ + 1);
  auto* strips = static_cast<uint8_t*>(scratch);
  pool.parallel_for(row_splits_ * channel_splits_, [&](size_t task) {
    const size_t r = task / channel_splits_, s = task % channel_splits_;
    const size_t first_tile = tiles * r / row_splits_, end_tile = tiles * (r + 1) / row_splits_;
    const size_t first_panel = panels * s / channel_splits_;
    const size_t first_channel = first_panel * nr;
    const size_t end_channel = std::min(panels * (s + 1) / channel_splits_ * nr, n_);
    // Each strip: the tile's pointers, then its composed rows (row taps).
    uint8_t* strip = strips + task * strip_bytes();
    const float** a = reinterpret_cast<const float**>(strip);
    float* composed = reinterpret_cast<float*>(strip + mr * taps_ * sizeof(const float*));
    for (size_t tile = first_tile; tile < end_tile; ++tile) {
      const size_t row0 = tile * mr, count = std::min(mr, rows_ - row0);
      fill_rows(row0, count, input, a, composed);
      kernel_.fn(count, end_channel - first_channel, taps_, kc_, a,
                 packed_ + first_panel * panel_floats, output + row0 * n_ + first_channel, n_,
                 out_min_, out_max_);
    }
  });
}

}  // namespace lowbit
