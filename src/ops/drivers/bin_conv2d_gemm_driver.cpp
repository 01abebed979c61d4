#include "ops/drivers/bin_conv2d_gemm_driver.h"

#include <algorithm>
#include <vector>

#include "kernels/reference/bin_pack.h"

namespace lowbit {
namespace {

using ref::bin_conv2d_pixels;
using ref::bin_group_words;
using ref::bin_last_word_mask;
using ref::BinConv2DParams;
using ref::BinOutputMode;
using ref::BinOutputTransform;

inline size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

size_t taps_of(const BinConv2DParams& p) { return size_t(p.kernel_h) * p.kernel_w; }

size_t blocks_per_group(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  return (size_t(p.out_channels / p.groups) + gemm.nr - 1) / gemm.nr;
}

// Block stride in words: whole 64-byte lines, so every block starts aligned.
size_t block_stride_words(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  return round_up(bin_gemm_block_words(gemm, taps_of(p), bin_group_words(p)), 16);
}

struct StorageLayout {
  size_t filter, thresholds, corrections, indirection, zero_row, total;  // byte offsets
};

StorageLayout storage_layout(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  const size_t taps = taps_of(p);
  StorageLayout s;
  s.filter = 0;
  s.thresholds = size_t(p.groups) * blocks_per_group(p, gemm) * block_stride_words(p, gemm) * 4;
  s.corrections = s.thresholds + round_up(size_t(p.out_channels) * 4, 64);
  s.indirection =
      s.corrections + (p.zero_padding ? round_up(taps * p.out_channels * 4, 64) : 0);
  s.zero_row = s.indirection + round_up(bin_conv2d_pixels(p) * taps * 4, 64);
  s.total = s.zero_row + round_up(size_t(bin_group_words(p)) * 4, 64);
  return s;
}

// Word offsets of every output pixel's taps in the input, or kBinPaddingTap.
void build_indirection(const BinConv2DParams& p, uint32_t* indirection) {
  uint32_t* entry = indirection;
  for (int32_t n = 0; n < p.batch; ++n) {
    for (int32_t oy = 0; oy < p.output_h; ++oy) {
      for (int32_t ox = 0; ox < p.output_w; ++ox) {
        for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
          for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
            const int32_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
            const int32_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
            const bool inside = iy >= 0 && iy < p.input_h && ix >= 0 && ix < p.input_w;
            *entry++ = inside ? static_cast<uint32_t>(
                                    ((size_t(n) * p.input_h + iy) * p.input_w + ix) * p.input_words)
                              : kBinPaddingTap;
          }
        }
      }
    }
  }
}

// Zero padding: sums the corrections of the pixel's out-of-image taps into
// `correction`; returns false (nothing to correct) for interior pixels.
bool zero_padding_correction(const BinConv2DParams& p, const BinConv2DGemmPlan& plan,
                             const uint32_t* taps, int32_t* correction) {
  bool any = false;
  for (size_t t = 0; t < taps_of(p); ++t) {
    if (taps[t] != kBinPaddingTap) continue;
    if (!any) std::fill(correction, correction + p.out_channels, 0);
    any = true;
    const int32_t* tap = plan.tap_corrections + t * p.out_channels;
    for (int32_t c = 0; c < p.out_channels; ++c) correction[c] += tap[c];
  }
  return any;
}

}  // namespace

bool bin_conv2d_gemm_supported(const BinConv2DParams& p) {
  const size_t input_words =
      size_t(p.batch) * p.input_h * p.input_w * size_t(p.input_words);
  return input_words < kBinPaddingTap;
}

size_t bin_conv2d_gemm_scratch_bytes(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  const size_t pointers = round_up(taps_of(p) * gemm.mr * sizeof(void*), 64);
  const size_t accumulators = round_up(size_t(gemm.mr) * p.out_channels * 4, 64);
  const size_t corrections = round_up(size_t(gemm.mr) * p.out_channels * 4, 64);
  const size_t row_pointers = round_up(2 * size_t(gemm.mr) * sizeof(void*), 64);
  return pointers + accumulators + corrections + row_pointers;
}

size_t bin_conv2d_gemm_packed_bytes(const BinConv2DParams& p, const BinGemmKernel& gemm) {
  return storage_layout(p, gemm).total;
}

void bin_conv2d_gemm_pack(const BinConv2DParams& p, const uint32_t* filter, BinConv2DGemmPlan* plan,
                          void* storage) {
  const size_t tap_words = size_t(bin_group_words(p));
  const uint32_t mask = bin_last_word_mask(p.group_channels);
  const size_t taps = taps_of(p);
  const StorageLayout layout = storage_layout(p, plan->gemm);
  uint8_t* base = static_cast<uint8_t*>(storage);
  plan->tap_words = tap_words;
  plan->last_mask = mask;

  // The filter with pad bits cleared, then each block in the kernel's layout.
  std::vector<uint32_t> rows(filter, filter + size_t(p.out_channels) * taps * tap_words);
  for (size_t i = tap_words - 1; i < rows.size(); i += tap_words) rows[i] &= mask;
  uint32_t* packed = reinterpret_cast<uint32_t*>(base + layout.filter);
  const size_t per_group = size_t(p.out_channels / p.groups);
  plan->blocks_per_group = blocks_per_group(p, plan->gemm);
  plan->block_words = block_stride_words(p, plan->gemm);
  for (int32_t g = 0; g < p.groups; ++g) {
    for (size_t j = 0; j < plan->blocks_per_group; ++j) {
      const size_t first = j * plan->gemm.nr;
      const size_t n = std::min<size_t>(plan->gemm.nr, per_group - first);
      bin_gemm_pack_block(plan->gemm, n, taps, tap_words,
                          rows.data() + (g * per_group + first) * taps * tap_words,
                          taps * tap_words, tap_words,
                          packed + (g * plan->blocks_per_group + j) * plan->block_words);
    }
  }
  plan->packed_filter = packed;

  int32_t* thresholds = reinterpret_cast<int32_t*>(base + layout.thresholds);
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
    int32_t* corrections = reinterpret_cast<int32_t*>(base + layout.corrections);
    for (size_t t = 0; t < taps; ++t) {
      for (int32_t c = 0; c < p.out_channels; ++c) {
        corrections[t * p.out_channels + c] =
            p.group_channels - 2 * p.tap_popcounts[size_t(c) * taps + t];
      }
    }
    plan->tap_corrections = corrections;
  }

  uint32_t* indirection = reinterpret_cast<uint32_t*>(base + layout.indirection);
  build_indirection(p, indirection);
  plan->indirection = indirection;
  uint32_t* zero_row = reinterpret_cast<uint32_t*>(base + layout.zero_row);
  std::fill(zero_row, zero_row + tap_words, 0u);
  plan->zero_row = zero_row;
  plan->use_fused = plan->gemm.fused != nullptr &&
                    (p.transform.mode != BinOutputMode::kBit || per_group % 16 == 0);
}

void bin_conv2d_gemm(const BinConv2DParams& p, const BinConv2DGemmPlan& plan, const uint32_t* input,
                     void* output, void* scratch, size_t pixel_begin, size_t pixel_end) {
  const size_t mr = plan.gemm.mr, nr = plan.gemm.nr, taps = taps_of(
      p);
  uint8_t* next = static_cast<uint8_t*>(scratch);
  const uint32_t** pointers = reinterpret_cast<const uint32_t**>(next);
  next += round_up(taps * mr * sizeof(void*), 64);
  int32_t* acc = reinterpret_cast<int32_t*>(next);
  next += round_up(mr * p.out_channels * 4, 64);
  int32_t* corrections = reinterpret_cast<int32_t*>(next);
  next += round_up(mr * p.out_channels * 4, 64);
  void** out_rows = reinterpret_cast<void**>(next);
  const int32_t** correction_rows = reinterpret_cast<const int32_t**>(next) + mr;

  const size_t channels_per_group = size_t(p.out_channels / p.groups);
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
  BinGemmOutput fused;
  fused.kind = t.mode == BinOutputMode::kFloat32 ? BinGemmOutputKind::kFloat
               : t.mode == BinOutputMode::kInt8  ? BinGemmOutputKind::kInt8
                                                 : BinGemmOutputKind::kBits;
  fused.stage = &stage;
  fused.channels = size_t(p.out_channels);
  fused.rows = out_rows;
  fused.corrections = correction_rows;

  for (size_t tile = pixel_begin; tile < pixel_end; tile += mr) {
    const size_t m_count = std::min(mr, pixel_end - tile);
    const uint32_t* entries = plan.indirection + tile * taps;
    for (size_t m = 0; m < m_count; ++m) {
      int32_t* row = corrections + m * p.out_channels;
      const bool corrected =
          p.zero_padding && zero_padding_correction(p, plan, entries + m * taps, row);
      correction_rows[m] = corrected ? row : nullptr;
      out_rows[m] = static_cast<uint8_t*>(output) + (tile + m) * out_bytes;
    }
    for (int32_t g = 0; g < p.groups; ++g) {
      // The tile's row pointers, tap-major as the microkernel reads them.
      const uint32_t* group_input = input + size_t(g) * plan.tap_words;
      for (size_t k = 0; k < taps; ++k) {
        for (size_t m = 0; m < m_count; ++m) {
          const uint32_t offset = entries[m * taps + k];
          pointers[k * m_count + m] =
              offset == kBinPaddingTap ? plan.zero_row : group_input + offset;
        }
      }
      const size_t c_begin = size_t(g) * channels_per_group;
      const size_t c_end = c_begin + channels_per_group;
      const uint32_t* block = plan.packed_filter + g * plan.blocks_per_group * plan.block_words;
      for (size_t c = c_begin; c < c_end; c += nr, block += plan.block_words) {
        if (plan.use_fused) {
          fused.channel = c;
          plan.gemm.fused(m_count, std::min(nr, c_end - c), taps, plan.tap_words, pointers,
                          plan.last_mask, block, fused);
        } else {
          plan.gemm.fn(m_count, std::min(nr, c_end - c), taps, plan.tap_words, pointers,
                       plan.last_mask, block, acc + c, p.out_channels);
        }
      }
    }
    if (plan.use_fused) continue;
    for (size_t m = 0; m < m_count; ++m) {
      store(p.out_channels, acc + m * p.out_channels, correction_rows[m], stage, out_rows[m]);
    }
  }
}

}  // namespace lowbit
