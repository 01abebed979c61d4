#include "kernels/reference/qs16_conv.h"

#include <cmath>

#include "kernels/qs16_dwconv.h"
#include "kernels/qs16_gemm.h"

namespace lowbit {
namespace ref {

int64_t multiply_by_quantized_multiplier_wide(int64_t x, int32_t multiplier, int shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (int64_t{multiplier} + (1 << 15)) >> 16
                                                  : int64_t{0x7FFF};
  const int total_shift = 15 - shift;
  return (x * reduced + (int64_t{1} << (total_shift - 1))) >> total_shift;
}

int64_t rescale_wide_in_double(int64_t acc, double scale) {
  // |acc| < 2^47 is exact in double; |scale| < 2^14 keeps the result in int64.
  return static_cast<int64_t>(std::round(static_cast<double>(acc) * scale));
}

void qs16_gemm__reference(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                          const int8_t* weights, int64_t* acc) {
  for (size_t m = 0; m < mr; ++m) {
    for (size_t n = 0; n < nc; ++n) {
      const int8_t* w = weights + n * k;
      int64_t sum = 0;
      for (size_t i = 0; i < k; ++i) sum += int64_t{a_rows[m][i]} * w[i];
      acc[m * nc + n] = sum;
    }
  }
}

void qs16_dwconv__reference(size_t channels, size_t taps, const int16_t* const* rows,
                            const int8_t* weights, size_t weights_stride, int64_t* acc) {
  for (size_t c = 0; c < channels; ++c) {
    acc[c] = qs16_dwconv_channel(c, taps, rows, weights, weights_stride);
  }
}

void qs16_depthwise_conv2d__reference(const Qs16DepthwiseParams& p, const int16_t* input,
                                      const int8_t* weights, int16_t* output, size_t row_begin,
                                      size_t row_end) {
  for_each_output_pixel(p, p.input_c, p.output_c, input, output, row_begin, row_end,
                        [&](const int16_t* image, int32_t oy, int32_t ox, int16_t* out) {
    for (int32_t c = 0; c < p.output_c; ++c) {
      const int32_t ic = c / p.depth_multiplier;
      int64_t acc = 0;
      for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
        const int32_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        if (iy < 0 || iy >= p.input_h) continue;
        for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
          const int32_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
          if (ix < 0 || ix >= p.input_w) continue;
          const int16_t x = image[(size_t(iy) * p.input_w + ix) * p.input_c + ic];
          acc += int64_t{x} * weights[(size_t(ky) * p.kernel_w + kx) * p.output_c + c];
        }
      }
      out[c] = qs16_output(acc, p.rescale, size_t(c));
    }
  });
}

void qs16_transpose_conv_output__reference(const Qs16TransposeConvParams& p,
                                           const int64_t* columns, int16_t* output,
                                           size_t row_begin, size_t row_end) {
  const size_t taps = size_t(p.kernel_h) * p.kernel_w;
  const size_t pixel_columns = taps * p.output_c;
  for (size_t row = row_begin; row < row_end; ++row) {
    const int32_t b = static_cast<int32_t>(row / p.output_h);
    const int32_t oy = static_cast<int32_t>(row % p.output_h);
    const int64_t* image = columns + size_t(b) * p.input_h * p.input_w * pixel_columns;
    for (int32_t ox = 0; ox < p.output_w; ++ox) {
      int16_t* out = output + (row * p.output_w + ox) * p.output_c;
      for (int32_t c = 0; c < p.output_c; ++c) {
        int64_t acc = 0;
        // Input pixel iy reaches output oy through tap ky = oy + pad - iy * stride.
        for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
          const int32_t y = oy + p.pad_top - ky;
          if (y < 0 || y % p.stride_h != 0 || y / p.stride_h >= p.input_h) continue;
          for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
            const int32_t x = ox + p.pad_left - kx;
            if (x < 0 || x % p.stride_w != 0 || x / p.stride_w >= p.input_w) continue;
            const size_t pixel = size_t(y / p.stride_h) * p.input_w + x / p.stride_w;
            acc += image[pixel * pixel_columns + (size_t(c) * p.kernel_h + ky) * p.kernel_w + kx];
          }
        }
        out[c] = qs16_output(acc, p.rescale, size_t(c));
      }
    }
  }
}

}  // namespace ref
}  // namespace lowbit
