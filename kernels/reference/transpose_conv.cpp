#include "kernels/reference/transpose_conv.h"
#include "kernels/reference/transpose_conv_gather.h"

#include <algorithm>

namespace lowbit {
namespace ref {
namespace {

template <typename T>
void pack_weights(const TransposeConvParams& p, const T* weights, int32_t zero_point,
                  int16_t* packed) {
  const size_t row = p.packed_columns() * 2;
  std::fill(packed, packed + p.packed_size(), int16_t(0));
  const size_t taps = size_t(p.kernel_h) * p.kernel_w;
  for (int32_t oc = 0; oc < p.output_c; ++oc) {
    for (size_t tap = 0; tap < taps; ++tap) {
      const T* w = weights + (size_t(oc) * taps + tap) * p.input_c;
      const size_t column = tap * p.output_c + oc;
      for (int32_t ic = 0; ic < p.input_c; ++ic) {
        packed[size_t(ic / 2) * row + column * 2 + size_t(ic % 2)] =
            static_cast<int16_t>(int32_t(w[ic]) - zero_point);
      }
    }
  }
}

template <typename T>
void stage_pairs(const TransposeConvParams& p, const T* pixel, size_t pair_begin, size_t pairs,
                 int32_t* staged, size_t step) {
  for (size_t k = pair_begin; k < pair_begin + pairs; ++k, staged += step) {
    const size_t ic = 2 * k;
    const int32_t lo = int32_t(pixel[ic]) - p.input_zero_point;
    const int32_t hi = ic + 1 < size_t(p.input_c) ? int32_t(pixel[ic + 1]) - p.input_zero_point : 0;
    *staged = int32_t(uint32_t(uint16_t(lo)) | (uint32_t(uint16_t(hi)) << 16));
  }
}

template <typename T>
void gemm_rows(const TransposeConvParams& p, const T* input, const int16_t* packed,
               int32_t* columns, size_t row_begin, size_t row_end) {
  const size_t n = p.columns(), weight_row = p.packed_columns() * 2;
  const size_t pixel_begin = row_begin * p.input_w, pixel_end = row_end * p.input_w;
  std::fill(columns + pixel_begin * n, columns + pixel_end * n, 0);
  // A block of columns' weight pairs is split into two contiguous int16 rows
  // once for a group of pixels, so the inner loop is contiguous multiply-adds
  // that compilers vectorize (strided int16 loads they do not, well), and the
  // group's sums stay in cache.
  constexpr size_t kBlock = 256, kGroup = 16;
  int16_t w0[kBlock], w1[kBlock];
  for (size_t group = pixel_begin; group < pixel_end; group += kGroup) {
    const size_t group_end = std::min(pixel_end, group + kGroup);
    for (size_t j0 = 0; j0 < n; j0 += kBlock) {
      const size_t width = std::min(kBlock, n - j0);
      for (size_t k = 0; k < p.channel_pairs(); ++k) {
        const int16_t* w = packed + k * weight_row + 2 * j0;
        for (size_t j = 0; j < width; ++j) w0[j] = w[2 * j], w1[j] = w[2 * j + 1];
        const size_t ic = 2 * k;
        for (size_t pixel = group; pixel < group_end; ++pixel) {
          // All factors fit int16 (|x - zero point| <= 255): typed so, the
          // products are 16x16->32-bit ones (pmaddwd on x86, smlal on ARM)
          // rather than emulated 32-bit multiplies.
          const T* x = input + pixel * p.input_c;
          const int16_t a0 = static_cast<int16_t>(int32_t(x[ic]) - p.input_zero_point);
          const int16_t a1 = static_cast<int16_t>(
              ic + 1 < size_t(p.input_c) ? int32_t(x[ic + 1]) - p.input_zero_point : 0);
          int32_t* out = columns + pixel * n + j0;
          for (size_t j = 0; j < width; ++j) {
            out[j] += int32_t(a0) * int32_t(w0[j]) + int32_t(a1) * int32_t(w1[j]);
          }
        }
      }
    }
  }
}

template <typename T>
void output_rows(const TransposeConvParams& p, const int32_t* columns, const int32_t* bias,
                 T* output, size_t row_begin, size_t row_end) {
  const size_t n = p.columns();
  // Output channels are summed a block at a time: each tap adds a contiguous
  // run of its column, which compilers vectorize.
  constexpr int32_t kBlock = 256;
  int32_t acc[kBlock];
  gather_rows(p, output, row_begin, row_end, [&](auto&& taps, T* out) {
    for (int32_t oc0 = 0; oc0 < p.output_c; oc0 += kBlock) {
      const int32_t count = std::min(kBlock, p.output_c - oc0);
      std::fill(acc, acc + count, 0);
      taps([&](size_t pixel, int32_t ky, int32_t kx) {
        const int32_t* column =
            columns + pixel * n + (size_t(ky) * p.kernel_w + kx) * p.output_c + oc0;
        for (int32_t i = 0; i < count; ++i) acc[i] += column[i];
      });
      for (int32_t i = 0; i < count; ++i) {
        const int32_t oc = oc0 + i;
        const int32_t sum = bias != nullptr ? acc[i] + bias[oc] : acc[i];
        out[oc] = static_cast<T>(requantize_to_output(sum, p.requantizers[oc], p.profile,
                                                      p.output_zero_point, p.act_min, p.act_max));
      }
    }
  });
}

}  // namespace

void pack_transpose_conv_weights(const TransposeConvParams& p, const int8_t* weights,
                                 int16_t* packed) {
  pack_weights(p, weights, 0, packed);
}
void pack_transpose_conv_weights(const TransposeConvParams& p, const uint8_t* weights,
                                 int16_t* packed) {
  pack_weights(p, weights, p.filter_zero_point, packed);
}

void stage_transpose_conv_pairs(const TransposeConvParams& p, const int8_t* pixel,
                                size_t pair_begin, size_t pairs, int32_t* staged, size_t step) {
  stage_pairs(p, pixel, pair_begin, pairs, staged, step);
}
void stage_transpose_conv_pairs(const TransposeConvParams& p, const uint8_t* pixel,
                                size_t pair_begin, size_t pairs, int32_t* staged, size_t step) {
  stage_pairs(p, pixel, pair_begin, pairs, staged, step);
}

void qs8_transpose_conv_gemm__reference(const TransposeConvParams& p, const int8_t* input,
                                        const int16_t* packed, int32_t* columns,
                                        size_t row_begin, size_t row_end) {
  gemm_rows(p, input, packed, columns, row_begin, row_end);
}
void qu8_transpose_conv_gemm__reference(const TransposeConvParams& p, const uint8_t* input,
                                        const int16_t* packed, int32_t* columns,
                                        size_t row_begin, size_t row_end) {
  gemm_rows(p, input, packed, columns, row_begin, row_end);
}

void qs8_transpose_conv_output__reference(const TransposeConvParams& p, const int32_t* columns,
                                          const int32_t* bias, int8_t* output, size_t row_begin,
                                          size_t row_end) {
  output_rows(p, columns, bias, output, row_begin, row_end);
}
void qu8_transpose_conv_output__reference(const TransposeConvParams& p, const int32_t* columns,
                                          const int32_t* bias, uint8_t* output, size_t row_begin,
                                          size_t row_end) {
  output_rows(p, columns, bias, output, row_begin, row_end);
}

void f32_transpose_conv__reference(const TransposeConvParams& p, const float* input,
                                   const float* weights, const float* bias, float* output,
                                   size_t row_begin, size_t row_end) {
  gather_rows(p, output, row_begin, row_end, [&](auto&& taps, float* out) {
    for (int32_t oc = 0; oc < p.output_c; ++oc) {
      float acc = 0.0f;
      taps([&](size_t pixel, int32_t ky, int32_t kx) {
        const float* x = input + pixel * p.input_c;
        const float* w =
            weights + ((size_t(oc) * p.kernel_h + ky) * p.kernel_w + kx) * p.input_c;
        for (int32_t ic = 0; ic < p.input_c; ++ic) acc += x[ic] * w[ic];
      });
      if (bias != nullptr) acc += bias[oc];
      out[oc] = std::min(std::max(acc, p.float_min), p.float_max);
    }
  });
}

}  // namespace ref
}  // namespace lowbit
