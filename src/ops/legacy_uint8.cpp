#include "ops/legacy_uint8.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace lowbit {
namespace {

// One task's bytes: large enough that a task costs more than its dispatch.
constexpr size_t kFlipBlockBytes = size_t{64} << 10;
// The generic depthwise kernels take at most 256 tap pointers.
constexpr size_t kMaxSplitTaps = 128;

}  // namespace

Uint8WeightRange uint8_weight_range(const TensorDesc& weights) {
  const auto* w = static_cast<const uint8_t*>(weights.data);
  const size_t n = static_cast<size_t>(weights.shape.num_elements());
  const int32_t zero_point = weights.quant.zero_points[0];
  if (n == 0) return {0, 0};
  // Separate min and max over every weight (std::minmax_element's
  // branches do not vectorize).
  uint8_t lo = 255, hi = 0;
  for (size_t i = 0; i < n; ++i) {
    lo = std::min(lo, w[i]);
    hi = std::max(hi, w[i]);
  }
  return {int32_t(lo) - zero_point, int32_t(hi) - zero_point};
}

bool uint8_weights_fit_int8(const TensorDesc& weights) {
  return uint8_weights_fit_int8(uint8_weight_range(weights));
}

bool uint8_weights_fit_int8(Uint8WeightRange r) { return r.lo >= -128 && r.hi <= 127; }

bool uint8_weights_form(const TensorDesc& weights, Uint8WeightsForm fallback, size_t taps,
                        Uint8WeightsForm* form) {
  return uint8_weights_form(uint8_weight_range(weights), fallback, taps, form);
}

bool uint8_weights_form(Uint8WeightRange r, Uint8WeightsForm fallback, size_t taps,
                        Uint8WeightsForm* form) {
  if (uint8_weights_fit_int8(r)) {
    *form = Uint8WeightsForm::kShifted;
    return true;
  }
  *form = fallback;
  switch (fallback) {
    case Uint8WeightsForm::kRowSums:
      return true;
    case Uint8WeightsForm::kSplitTaps:
      // high = floor(d / 2) and low = d - high reach int8 for |d| <= 254.
      return std::max(std::abs(r.lo), std::abs(r.hi)) <= 254 && taps <= kMaxSplitTaps;
    case Uint8WeightsForm::kShifted:
      break;
  }
  return false;
}

void uint8_weights_as_int8(const TensorDesc& weights, Uint8WeightsForm form,
                           std::vector<int8_t>* out, Qs8ConvQuantization* q) {
  const auto* w = static_cast<const uint8_t*>(weights.data);
  const size_t n = static_cast<size_t>(weights.shape.num_elements());
  const int32_t zero_point = weights.quant.zero_points[0];
  uint8_form_quantization(zero_point, form, q);
  // Raw pointers: stores through std::vector's operator[] keep the
  // compiler from vectorizing these loops over every weight.
  switch (form) {
    case Uint8WeightsForm::kShifted: {
      out->resize(n);
      int8_t* o = out->data();
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<int8_t>(int32_t(w[i]) - zero_point);
      return;
    }
    case Uint8WeightsForm::kRowSums: {
      out->resize(n);
      int8_t* o = out->data();
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<int8_t>(int32_t(w[i]) - 128);
      return;
    }
    case Uint8WeightsForm::kSplitTaps: {
      out->resize(2 * n);
      int8_t* o = out->data();
      for (size_t i = 0; i < n; ++i) {
        const int32_t d = int32_t(w[i]) - zero_point;
        const int32_t high = d >= 0 ? d / 2 : -((1 - d) / 2);  // floor(d / 2)
        o[i] = static_cast<int8_t>(high);
        o[n + i] = static_cast<int8_t>(d - high);
      }
      return;
    }
  }
}

void uint8_form_quantization(int32_t weights_zero_point, Uint8WeightsForm form,
                             Qs8ConvQuantization* q) {
  q->row_sum_multiplier = form == Uint8WeightsForm::kRowSums ? 128 - weights_zero_point : 0;
  q->split_taps = form == Uint8WeightsForm::kSplitTaps;
}

Qs8ConvQuantization flipped_quantization(Qs8ConvQuantization q, bool uint8_output) {
  q.input_zero_point -= 128;
  if (uint8_output) return q;
  q.output_zero_point -= 128;
  q.output_min -= 128;
  q.output_max -= 128;
  return q;
}

namespace {

// Eight bytes a step through uint64_t words (memcpy: src and dst may be
// unaligned or the same); GCC vectorizes the word loop.
void flip_block(const uint8_t* in, uint8_t* out, size_t bytes) {
  constexpr uint64_t kSignBits = 0x8080808080808080u;
  size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t word;
    std::memcpy(&word, in + i, 8);
    word ^= kSignBits;
    std::memcpy(out + i, &word, 8);
  }
  for (; i < bytes; ++i) out[i] = static_cast<uint8_t>(in[i] ^ 0x80u);
}

// The sum of one pixel's int8 values: its bytes XOR `to_unsigned` read as
// uint8, summed in 16-bit lanes of a word (two bytes per lane per step, at
// most 128 steps before the lanes are folded), minus 128 per byte. kFlip also
// writes the bytes XOR 0x80 to out (uint8 input: to_unsigned 0).
template <bool kFlip>
int32_t int8_pixel_sum(const uint8_t* in, uint8_t* out, size_t bytes, uint64_t to_unsigned) {
  constexpr uint64_t kSignBits = 0x8080808080808080u;
  constexpr uint64_t kLowBytes = 0x00FF00FF00FF00FFu;
  constexpr uint64_t kLowHalves = 0x0000FFFF0000FFFFu;
  int64_t sum = 0;
  size_t i = 0;
  while (i + 8 <= bytes) {
    uint64_t lanes = 0;
    for (size_t step = 0; step < 128 && i + 8 <= bytes; ++step, i += 8) {
      uint64_t word;
      std::memcpy(&word, in + i, 8);
      const uint64_t u = word ^ to_unsigned;
      lanes += (u & kLowBytes) + ((u >> 8) & kLowBytes);
      if (kFlip) {
        word ^= kSignBits;
        std::memcpy(out + i, &word, 8);
      }
    }
    const uint64_t pairs = (lanes & kLowHalves) + ((lanes >> 16) & kLowHalves);
    sum += int64_t((pairs & 0xFFFFFFFFu) + (pairs >> 32));
  }
  for (; i < bytes; ++i) {
    sum += uint8_t(in[i] ^ uint8_t(to_unsigned));
    if (kFlip) out[i] = static_cast<uint8_t>(in[i] ^ 0x80u);
  }
  return static_cast<int32_t>(sum - 128 * int64_t(bytes));
}

// Pixels split over the pool in blocks of about kFlipBlockBytes.
template <typename BlockFn>
void for_pixel_blocks(ThreadPool& pool, size_t pixels, size_t pixel_bytes, BlockFn&& fn) {
  const size_t per_block = std::max<size_t>(1, kFlipBlockBytes / std::max<size_t>(1, pixel_bytes));
  const size_t blocks = (pixels + per_block - 1) / per_block;
  pool.parallel_for(blocks, [&](size_t block) {
    const size_t begin = block * per_block;
    fn(begin, std::min(pixels, begin + per_block));
  });
}

}  // namespace

void flip_sign_bits_with_sums(ThreadPool& pool, const void* src, void* dst, size_t pixels,
                              size_t pixel_bytes, int32_t* sums, Qu8FlipSumsFn simd) {
  const auto* in = static_cast<const uint8_t*>(src);
  auto* out = static_cast<uint8_t*>(dst);
  for_pixel_blocks(pool, pixels, pixel_bytes, [&](size_t begin, size_t end) {
    if (simd) {
      simd(in + begin * pixel_bytes, reinterpret_cast<int8_t*>(out) + begin * pixel_bytes,
           end - begin, pixel_bytes, sums + begin);
      return;
    }
    for (size_t p = begin; p < end; ++p) {
      sums[p] = int8_pixel_sum<true>(in + p * pixel_bytes, out + p * pixel_bytes, pixel_bytes, 0);
    }
  });
}

void sum_int8_pixels(ThreadPool& pool, const void* src, size_t pixels, size_t pixel_bytes,
                     int32_t* sums, Qu8FlipSumsFn simd) {
  const auto* in = static_cast<const uint8_t*>(src);
  for_pixel_blocks(pool, pixels, pixel_bytes, [&](size_t begin, size_t end) {
    if (simd) {
      simd(in + begin * pixel_bytes, nullptr, end - begin, pixel_bytes, sums + begin);
      return;
    }
    for (size_t p = begin; p < end; ++p) {
      sums[p] = int8_pixel_sum<false>(in + p * pixel_bytes, nullptr, pixel_bytes,
                                      0x8080808080808080u);
    }
  });
}

void flip_sign_bits(ThreadPool& pool, const void* src, void* dst, size_t bytes) {
  const auto* in = static_cast<const uint8_t*>(src);
  auto* out = static_cast<uint8_t*>(dst);
  if (bytes <= kFlipBlockBytes) {
    flip_block(in, out, bytes);
    return;
  }
  const size_t blocks = (bytes + kFlipBlockBytes - 1) / kFlipBlockBytes;
  pool.parallel_for(blocks, [in, out, bytes](size_t block) {
    const size_t begin = block * kFlipBlockBytes;
    flip_block(in + begin, out + begin, std::min(bytes - begin, kFlipBlockBytes));
  });
}

}  // namespace lowbit
