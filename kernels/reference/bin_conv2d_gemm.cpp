#include "kernels/reference/bin_conv2d_gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

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

// Zero padding: sums the corrections of the pixel's out-of-image taps into
// `correction`; returns false (nothing to correct) for interior pixels.
bool zero_padding_correction(const BinConv2DParams& p, const BinConv2DGemmPlan& plan, size_t pixel,
                             int32_t* correction) {
  const PixelPos pos = pixel_position(p, pixel);
  bool any = false;
  for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
    for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
      int32_t iy, ix;
      if (tap_inside(p, pos, ky, kx, &iy, &ix)) continue;
      if (!any) std::fill(correction, correction + p.out_channels, 0);
      any = true;
      const int32_t* tap = plan.tap_corrections + size_t(ky * p.kernel_w + kx) * p.out_channels;
      for (int32_t c = 0; c < p.out_channels; ++c) correction[c] += tap[c];
    }
  }
  return any;
}

}  // namespace

size_t bin_conv2d_gemm_k_words(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  return round_up(size_t(p.kernel_h) * p.kernel_w * bin_group_words(p), gemm.k_align);
}

namespace {

size_t blocks_per_group(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  return (size_t(p.out_channels / p.groups) + gemm.nr - 1) / gemm.nr;
}

}  // namespace

size_t bin_conv2d_gemm_scratch_bytes(const BinConv2DParams& p, const BinConv2DGemmPlan& plan) {
  const size_t im2col = round_up(size_t(plan.gemm.mr) * plan.k_words * 4, 64);
  const size_t accumulators = round_up(size_t(plan.gemm.mr) * p.out_channels * 4, 64);
  const size_t correction = round_up(size_t(p.out_channels) * 4, 64);
  return im2col + accumulators + correction;
}

size_t bin_conv2d_gemm_packed_bytes(const BinConv2DParams& p, const BinConv2DGemmPlan& plan) {
  const size_t taps = size_t(p.kernel_h) * p.kernel_w;
  const size_t filter = size_t(p.groups) * blocks_per_group(p, plan.gemm) *
                        round_up(bin_gemm_block_words(plan.gemm, plan.k_words) * 4, 64);
  const size_t thresholds = round_up(size_t(p.out_channels) * 4, 64);
  const size_t corrections = p.zero_padding ? round_up(taps * p.out_channels * 4, 64) : 0;
  return filter + thresholds + corrections;
}

void bin_conv2d_gemm_pack(const BinConv2DParams& p, const uint32_t* filter,
                          BinConv2DGemmPlan* plan, void* storage) {
  const size_t k_words = plan->k_words;
  const int32_t words = bin_group_words(p);
  const uint32_t mask = last_word_mask(p.group_channels);
  const size_t taps = size_t(p.kernel_h) * p.kernel_w;
  // Rows first (pad bits cleared), then each block in the kernel's layout.
  std::vector<uint32_t> rows(size_t(p.out_channels) * k_words, 0u);
  for (int32_t c = 0; c < p.out_channels; ++c) {
    uint32_t* row = rows.data() + size_t(c) * k_words;
    for (size_t t = 0; t < taps; ++t) {
      const uint32_t* src = filter + (size_t(c) * taps + t) * words;
      std::copy(src, src + words, row + t * words);
      row[t * words + words - 1] &= mask;
    }
  }
  uint32_t* packed = static_cast<uint32_t*>(storage);
  const size_t block_words = round_up(bin_gemm_block_words(plan->gemm, k_words), 16);
  const size_t per_group = size_t(p.out_channels / p.groups);
  plan->blocks_per_group = blocks_per_group(p, plan->gemm);
  for (int32_t g = 0; g < p.groups; ++g) {
    for (size_t j = 0; j < plan->blocks_per_group; ++j) {
      const size_t first = j * plan->gemm.nr;
      const size_t n = std::min<size_t>(plan->gemm.nr, per_group - first);
      bin_gemm_pack_block(plan->gemm, n, k_words,
                          rows.data() + (g * per_group + first) * k_words, k_words,
                          packed + (g * plan->blocks_per_group + j) * block_words);
    }
  }
  plan->packed_filter = packed;

  int32_t* thresholds = reinterpret_cast<int32_t*>(
      packed + size_t(p.groups) * plan->blocks_per_group * block_words);
  plan->doubled_threshold = nullptr;
  if (p.transform.mode == BinOutputMode::kBit) {
    for (int32_t c = 0; c < p.out_channels; ++c) {
      const int64_t doubled = 2 * int64_t(p.transform.threshold[c]);
      thresholds[c] = static_cast<int32_t>(
          std::min<int64_t>(std::max<int64_t>(doubled, INT32_MIN), INT32_MAX));
    }
    plan->doubled_threshold = thresholds;
  }

  plan->tap_corrections = nullptr;
  if (p.zero_padding) {
    int32_t* corrections = thresholds + round_up(size_t(p.out_channels), 16);
    for (size_t t = 0; t < taps; ++t) {
      for (int32_t c = 0; c < p.out_channels; ++c) {
        corrections[t * p.out_channels + c] =
            p.group_channels - 2 * p.tap_popcounts[size_t(c) * taps + t];
      }
    }
    plan->tap_corrections = corrections;
  }
}

void bin_conv2d_gemm(const BinConv2DParams& p, const BinConv2DGemmPlan& plan,
                     const uint32_t* input, void* output, void* scratch, size_t pixel_begin,
                     size_t pixel_end) {
  const size_t mr = plan.gemm.mr, nr = plan.gemm.nr, k_words = plan.k_words;
  uint32_t* rows = static_cast<uint32_t*>(scratch);
  int32_t* acc = reinterpret_cast<int32_t*>(rows + round_up(mr * k_words, 16));
  int32_t* correction = acc + round_up(mr * p.out_channels, 16);
  const int32_t channels_per_group = p.out_channels / p.groups;
  const size_t block_words = round_up(bin_gemm_block_words(plan.gemm, k_words), 16);
  const BinOutputTransform& t = p.transform;
  BinOutputStageParams stage;
  stage.multiplier = t.multiplier;
  stage.bias = t.bias;
  stage.clamp_min = t.clamp_min;
  stage.clamp_max = t.clamp_max;
  stage.doubled_threshold = plan.doubled_threshold;
  const BinOutputFn store = t.mode == BinOutputMode::kFloat32 ? plan.output.to_float
                            : t.mode == BinOutputMode::kInt8  ? plan.output.to_int8
                                                              : plan.output.to_bits;
  const size_t out_bytes = t.mode == BinOutputMode::kFloat32 ? size_t(p.out_channels) * 4
                           : t.mode == BinOutputMode::kInt8  ? size_t(p.out_channels)
                                                             : size_t(p.out_channels + 31) / 32 * 4;
  for (size_t tile = pixel_begin; tile < pixel_end; tile += mr) {
    const size_t m_count = std::min(mr, pixel_end - tile);
    for (int32_t g = 0; g < p.groups; ++g) {
      for (size_t m = 0; m < m_count; ++m) {
        im2col_row(p, input, tile + m, g, k_words, rows + m * k_words);
      }
      const size_t c_begin = size_t(g) * channels_per_group;
      const size_t c_end = c_begin + channels_per_group;
      const uint32_t* block = plan.packed_filter + g * plan.blocks_per_group * block_words;
      for (size_t c = c_begin; c < c_end; c += nr, block += block_words) {
        plan.gemm.fn(m_count, std::min(nr, c_end - c), k_words, rows, k_words, block, k_words,
                     acc + c, p.out_channels);
      }
    }
    for (size_t m = 0; m < m_count; ++m) {
      const size_t pixel = tile + m;
      const bool corrected =
          p.zero_padding && zero_padding_correction(p, plan, pixel, correction);
      store(p.out_channels, acc + m * p.out_channels, corrected ? correction : nullptr, stage,
            static_cast<uint8_t*>(output) + pixel * out_bytes);
    }
  }
}

}  // namespace ref
}  // namespace lowbit
