// Reference average and max pooling on quantized NHWC activations. Input and
// output share scale and zero point, so pooling works on the raw values.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"

namespace lowbit {
namespace ref {

struct PoolParams {
  int32_t batch = 0, input_h = 0, input_w = 0, channels = 0;
  int32_t output_h = 0, output_w = 0;
  int32_t filter_h = 1, filter_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  int32_t act_min = -128, act_max = 127;
};

// An output pixel's window clipped to the image: rows [y_begin, y_end),
// columns [x_begin, x_end).
struct PoolWindow {
  int32_t y_begin, y_end, x_begin, x_end;
  int32_t count() const { return (y_end - y_begin) * (x_end - x_begin); }
};

inline PoolWindow clipped_pool_window(const PoolParams& p, int32_t oy, int32_t ox) {
  const int32_t y0 = oy * p.stride_h - p.pad_top;
  const int32_t x0 = ox * p.stride_w - p.pad_left;
  return {std::max<int32_t>(y0, 0), std::min<int32_t>(y0 + p.filter_h, p.input_h),
          std::max<int32_t>(x0, 0), std::min<int32_t>(x0 + p.filter_w, p.input_w)};
}

// Calls pixel(image, window, out) for each output pixel of rows [row_begin,
// row_end): `image` is the pixel's input image, `out` its output channels.
template <typename T, typename Pixel>
void for_each_pool_output(const PoolParams& p, const T* input, T* output, size_t row_begin,
                          size_t row_end, Pixel&& pixel) {
  for_each_output_pixel(p, p.channels, p.channels, input, output, row_begin, row_end,
                        [&](const T* image, int32_t oy, int32_t ox, T* out) {
                          pixel(image, clipped_pool_window(p, oy, ox), out);
                        });
}

// Compute output rows [row_begin, row_end) of the batch * output_h rows. The
// window is clipped to the image. Average: sum / count of the valid taps,
// rounded half away from zero.
template <typename T>
using Pool2dKernel = UnaryRangeKernel<PoolParams, T>;
using Qs8Pool2dFn = Pool2dKernel<int8_t>*;
using Qu8Pool2dFn = Pool2dKernel<uint8_t>*;
Pool2dKernel<int8_t> qs8_average_pool2d__reference, qs8_max_pool2d__reference;
Pool2dKernel<uint8_t> qu8_average_pool2d__reference, qu8_max_pool2d__reference;

}  // namespace ref
}  // namespace lowbit
