// Row-layout packing for the specialised depthwise row kernels, and portable
// row kernels that read that layout: the definition the SIMD row kernels must
// equal byte for byte.
#include <cstring>

#include "kernels/qs8_dwconv.h"
#include "kernels/reference/wrapping_int32.h"

namespace lowbit {

namespace {

size_t pair_rows(int kernel_h) { return (size_t(kernel_h) + 1) / 2; }

size_t rows_block_bytes(size_t block, int kernel_h, int kernel_w) {
  return block * sizeof(int32_t) + size_t(kernel_w) * pair_rows(kernel_h) * block * 2 * sizeof(int16_t);
}

}  // namespace

Qs8DwconvRowFn qs8_dwconv_row_kernel(const Qs8DwconvKernel& kernel, int kernel_h, int kernel_w,
                                     int stride_w, int dilation_h, int dilation_w) {
  if (kernel_h != kernel_w || dilation_h != 1 || dilation_w != 1) return nullptr;
  if (kernel_h == 3) return stride_w == 1 ? kernel.row_3x3s1 : stride_w == 2 ? kernel.row_3x3s2 : nullptr;
  if (kernel_h == 5) return stride_w == 1 ? kernel.row_5x5s1 : stride_w == 2 ? kernel.row_5x5s2 : nullptr;
  return nullptr;
}

size_t qs8_dwconv_rows_packed_bytes(size_t channel_block, size_t channels, int kernel_h,
                                    int kernel_w) {
  const size_t blocks = (channels + channel_block - 1) / channel_block;
  return blocks * rows_block_bytes(channel_block, kernel_h, kernel_w);
}

namespace {

template <typename Weight>
void pack_rows(size_t channel_block, size_t channels, int kernel_h, int kernel_w,
               const Weight* weights, const int32_t* bias, int32_t input_zero_point,
               void* packed) {
  const size_t taps = size_t(kernel_h) * kernel_w, pairs = pair_rows(kernel_h);
  auto* out = static_cast<uint8_t*>(packed);
  const size_t block_bytes = rows_block_bytes(channel_block, kernel_h, kernel_w);
  std::memset(out, 0, qs8_dwconv_rows_packed_bytes(channel_block, channels, kernel_h, kernel_w));
  for (size_t block = 0; block < channels; block += channel_block, out += block_bytes) {
    auto* pair_base = out + channel_block * sizeof(int32_t);
    for (size_t j = 0; j < channel_block && block + j < channels; ++j) {
      const size_t c = block + j, slot = qs8_dwconv_unpack_slot(channel_block, j);
      int32_t sum_w = 0;
      for (size_t t = 0; t < taps; ++t) sum_w = wrapping_add(sum_w, weights[t * channels + c]);
      const int32_t value =
          wrapping_add(bias ? bias[c] : 0, wrapping_mul(-input_zero_point, sum_w));
      std::memcpy(out + slot * sizeof(int32_t), &value, sizeof(value));
      for (int kx = 0; kx < kernel_w; ++kx) {
        for (size_t p = 0; p < pairs; ++p) {
          int16_t pair[2] = {0, 0};
          for (size_t half = 0; half < 2; ++half) {
            const size_t ky = 2 * p + half;
            if (ky < size_t(kernel_h)) pair[half] = weights[(ky * kernel_w + kx) * channels + c];
          }
          uint8_t* dst = pair_base + ((size_t(kx) * pairs + p) * channel_block + slot) * sizeof(pair);
          std::memcpy(dst, pair, sizeof(pair));
        }
      }
    }
  }
}

}  // namespace

void qs8_dwconv_pack_rows(size_t channel_block, size_t channels, int kernel_h, int kernel_w,
                          const int8_t* weights, const int32_t* bias, int32_t input_zero_point,
                          void* packed) {
  pack_rows(channel_block, channels, kernel_h, kernel_w, weights, bias, input_zero_point, packed);
}

void qs8_dwconv_pack_rows_wide(size_t channel_block, size_t channels, int kernel_h,
                               int kernel_w, const int16_t* weights, const int32_t* bias,
                               int32_t input_zero_point, void* packed) {
  pack_rows(channel_block, channels, kernel_h, kernel_w, weights, bias, input_zero_point, packed);
}

namespace {

template <int K, int S>
void row_reference(const Qs8DwconvRowArgs& a) {
  constexpr size_t kBlock = 8, kPairs = (K + 1) / 2;
  const auto* w = static_cast<const uint8_t*>(a.packed_w);
  const Qs8GemmParams& params = *a.params;
  for (size_t block = 0; block < a.channels; block += kBlock) {
    const size_t n = a.channels - block < kBlock ? a.channels - block : kBlock;
    const uint8_t* pairs = w + kBlock * sizeof(int32_t);
    for (size_t o = 0; o < a.output_width; ++o) {
      int32_t acc[kBlock];
      for (size_t j = 0; j < n; ++j) {
        std::memcpy(&acc[j], w + qs8_dwconv_unpack_slot(kBlock, j) * sizeof(int32_t), sizeof(int32_t));
      }
      for (int kx = 0; kx < K; ++kx) {
        const ptrdiff_t ix = a.input_x + ptrdiff_t(o) * S + kx;
        const bool inside = ix >= 0 && ix < ptrdiff_t(a.input_width);
        for (int ky = 0; ky < K; ++ky) {
          const int8_t* px = inside ? a.rows[ky] + size_t(ix) * a.input_stride : a.zero_row;
          for (size_t j = 0; j < n; ++j) {
            int16_t pair[2];
            const size_t slot = qs8_dwconv_unpack_slot(kBlock, j);
            std::memcpy(pair, pairs + ((size_t(kx) * kPairs + ky / 2) * kBlock + slot) * sizeof(pair),
                        sizeof(pair));
            acc[j] = wrapping_add(
                acc[j], int32_t(px[qs8_dwconv_input_offset(a, block + j)]) * pair[ky % 2]);
          }
        }
      }
      for (size_t j = 0; j < n; ++j) {
        const size_t c = block + j;
        a.output[o * a.pixel_stride + c] = qs8_requantize_channel(acc[j], params, c);
      }
    }
    w += rows_block_bytes(kBlock, K, K);
  }
}

}  // namespace

void qs8_dwconv_row3x3s1__reference(const Qs8DwconvRowArgs& args) { row_reference<3, 1>(args); }
void qs8_dwconv_row3x3s2__reference(const Qs8DwconvRowArgs& args) { row_reference<3, 2>(args); }
void qs8_dwconv_row5x5s1__reference(const Qs8DwconvRowArgs& args) { row_reference<5, 1>(args); }
void qs8_dwconv_row5x5s2__reference(const Qs8DwconvRowArgs& args) { row_reference<5, 2>(args); }

}  // namespace lowbit
