#include "kernels/reference/bin_conv2d_gemm.h"

#include <algorithm>
#include <cstring>

namespace lowbit {
namespace ref {
namespace {

inline uint32_t last_word_mask(int32_t channels) {
  const int32_t rem = channels % 32;
  return rem == 0 ? ~0u : (1u << rem) - 1u;
}

inline size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

struct PixelPos {
  int32_t n, oy, ox;
};

inline PixelPos pixel_position(const BinConv2DParams& p, size_t pixel) {
  return {static_cast<int32_t>(pixel / (size_t(p.output_w) * p.output_h)),
          static_cast<int32_t>((pixel / p.output_w) % p.output_h),
          static_cast<int32_t>(pixel % p.output_w)};
}

inline bool tap_inside(const BinConv2DParams& p, const PixelPos& pos, int32_t ky, int32_t kx,
                       int32_t* iy, int32_t* ix) {
  *iy = pos.oy * p.stride_h - p.pad_top + ky * p.dilation_h;
  *ix = pos.ox * p.stride_w - p.pad_left + kx * p.dilation_w;
  return *iy >= 0 && *iy < p.input_h && *ix >= 0 && *ix < p.input_w;
}

// One im2col row: the taps of group `group` for one output pixel.
void im2col_row(const BinConv2DParams& p, const uint32_t* input, size_t pixel, int32_t group,
                size_t k_words, uint32_t* row) {
  const int32_t words = bin_group_words(p);
  const uint32_t mask = last_word_mask(p.group_channels);
  const PixelPos pos = pixel_position(p, pixel);
  uint32_t* dst = row;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < p.kernel_w; ++kx, dst += words) {
      int32_t iy, ix;
      if (!tap_inside(p, pos, ky, kx, &iy, &ix)) {
        std::fill(dst, dst + words, 0u);
        continue;
      }
      const uint32_t* src = input +
                            ((size_t(pos.n) * p.input_h + iy) * p.input_w + ix) * p.input_words +
                            size_t(group) * words;
      std::copy(src, src + words, dst);
      dst[words - 1] &= mask;
    }
  }
  std::fill(dst, row + k_words, 0u);
}

// Zero padding: every out-of-image tap adds group_channels - 2*popcount(w_tap).
void correct_zero_padding(const BinConv2DParams& p, size_t pixel, int32_t* d) {
  const PixelPos pos = pixel_position(p, pixel);
  const int32_t taps = p.kernel_h * p.kernel_w;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
      int32_t iy, ix;
      if (tap_inside(p, pos, ky, kx, &iy, &ix)) continue;
      const int32_t tap = ky * p.kernel_w + kx;
      for (int32_t c = 0; c < p.out_channels; ++c) {
        d[c] += p.group_channels - 2 * p.tap_popcounts[size_t(c) * taps + tap];
      }
    }
  }
}

void store_pixel(const BinOutputTransform& t, int32_t out_channels, const int32_t* d,
                 void* output, size_t pixel) {
  switch (t.mode) {
    case BinOutputMode::kFloat32: {
      float* out = static_cast<float*>(output) + pixel * out_channels;
      for (int32_t c = 0; c < out_channels; ++c) {
        out[c] = bin_transform_float(d[c], t.multiplier[c], t.bias[c], t.clamp_min, t.clamp_max);
      }
      break;
    }
    case BinOutputMode::kInt8: {
      int8_t* out = static_cast<int8_t*>(output) + pixel * out_channels;
      for (int32_t c = 0; c < out_channels; ++c) {
        out[c] = bin_transform_int8(d[c], t.multiplier[c], t.bias[c], t.clamp_min, t.clamp_max);
      }
      break;
    }
    case BinOutputMode::kBit: {
      const int32_t words = (out_channels + 31) / 32;
      uint32_t* out = static_cast<uint32_t*>(output) + pixel * words;
      std::fill(out, out + words, 0u);
      for (int32_t c = 0; c < out_channels; ++c) {
        if (int64_t(d[c]) > 2 * int64_t(t.threshold[c])) out[c / 32] |= 1u << (c % 32);
      }
      break;
    }
  }
}

}  // namespace

size_t bin_conv2d_gemm_k_words(const BinConv2DParams& p) {
  return round_up(size_t(p.kernel_h) * p.kernel_w * bin_group_words(p), kBinGemmKAlign);
}

size_t bin_conv2d_gemm_scratch_bytes(const BinConv2DParams& p, const BinConv2DGemmPlan& plan) {
  const size_t im2col = size_t(plan.gemm.mr) * plan.k_words * 4;
  const size_t accumulators = round_up(size_t(plan.gemm.mr) * p.out_channels * 4, 64);
  return im2col + accumulators;
}

void bin_conv2d_gemm_pack_filter(const BinConv2DParams& p, const uint32_t* filter, size_t k_words,
                                 uint32_t* packed) {
  const int32_t words = bin_group_words(p);
  const uint32_t mask = last_word_mask(p.group_channels);
  const size_t taps = size_t(p.kernel_h) * p.kernel_w;
  for (int32_t c = 0; c < p.out_channels; ++c) {
    uint32_t* row = packed + size_t(c) * k_words;
    std::fill(row, row + k_words, 0u);
    for (size_t t = 0; t < taps; ++t) {
      const uint32_t* src = filter + (size_t(c) * taps + t) * words;
      std::copy(src, src + words, row + t * words);
      row[t * words + words - 1] &= mask;
    }
  }
}

void bin_conv2d_gemm(const BinConv2DParams& p, const BinConv2DGemmPlan& plan,
                     const uint32_t* input, void* output, void* scratch, size_t pixel_begin,
                     size_t pixel_end) {
  const size_t mr = plan.gemm.mr, nr = plan.gemm.nr, k_words = plan.k_words;
  uint32_t* rows = static_cast<uint32_t*>(scratch);
  int32_t* acc = reinterpret_cast<int32_t*>(rows + mr * k_words);
  const int32_t channels_per_group = p.out_channels / p.groups;
  const bool same_zero = p.zero_padding;
  for (size_t tile = pixel_begin; tile < pixel_end; tile += mr) {
    const size_t m_count = std::min(mr, pixel_end - tile);
    for (int32_t g = 0; g < p.groups; ++g) {
      for (size_t m = 0; m < m_count; ++m) {
        im2col_row(p, input, tile + m, g, k_words, rows + m * k_words);
      }
      const size_t c_end = size_t(g + 1) * channels_per_group;
      for (size_t c = size_t(g) * channels_per_group; c < c_end; c += nr) {
        plan.gemm.fn(m_count, std::min(nr, c_end - c), k_words, rows, k_words,
                     plan.packed_filter + c * k_words, k_words, acc + c, p.out_channels);
      }
    }
    for (size_t m = 0; m < m_count; ++m) {
      int32_t* d = acc + m * p.out_channels;
      for (int32_t c = 0; c < p.out_channels; ++c) d[c] *= 2;
      if (same_zero) correct_zero_padding(p, tile + m, d);
      store_pixel(p.transform, p.out_channels, d, output, tile + m);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
