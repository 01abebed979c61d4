#include "kernels/reference/qs8_depthwise_conv2d.h"

namespace lowbit {
namespace ref {
namespace {

template <typename T>
void depthwise_conv2d(const DepthwiseQuantParams& p, const T* input, const T* filter,
                      const int32_t* bias, T* output, size_t row_begin, size_t row_end) {
  const int32_t output_c = p.input_c * p.depth_multiplier;
  for (size_t row = row_begin; row < row_end; ++row) {
    const int32_t b = static_cast<int32_t>(row / p.output_h);
    const int32_t oy = static_cast<int32_t>(row % p.output_h);
    const T* image = input + size_t(b) * p.input_h * p.input_w * p.input_c;
    T* out_row = output + row * size_t(p.output_w) * output_c;
    for (int32_t ox = 0; ox < p.output_w; ++ox) {
      const int32_t in_y0 = oy * p.stride_h - p.pad_top;
      const int32_t in_x0 = ox * p.stride_w - p.pad_left;
      for (int32_t oc = 0; oc < output_c; ++oc) {
        const int32_t ic = oc / p.depth_multiplier;
        int32_t acc = 0;
        for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
          const int32_t iy = in_y0 + ky * p.dilation_h;
          if (iy < 0 || iy >= p.input_h) continue;
          for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
            const int32_t ix = in_x0 + kx * p.dilation_w;
            if (ix < 0 || ix >= p.input_w) continue;
            const int32_t x = image[(size_t(iy) * p.input_w + ix) * p.input_c + ic];
            const int32_t w = filter[(size_t(ky) * p.kernel_w + kx) * output_c + oc];
            acc += (w - p.filter_zero_point) * (x - p.input_zero_point);
          }
        }
        if (bias) acc += bias[oc];
        out_row[size_t(ox) * output_c + oc] = static_cast<T>(
            requantize_to_output(acc, p.requantizers[oc], p.profile, p.output_zero_point,
                                 p.act_min, p.act_max));
      }
    }
  }
}

}  // namespace

void qs8_depthwise_conv2d__reference(const DepthwiseQuantParams& p, const int8_t* input,
                                     const int8_t* filter, const int32_t* bias, int8_t* output,
                                     size_t row_begin, size_t row_end) {
  depthwise_conv2d(p, input, filter, bias, output, row_begin, row_end);
}

void qu8_depthwise_conv2d__reference(const DepthwiseQuantParams& p, const uint8_t* input,
                                     const uint8_t* filter, const int32_t* bias, uint8_t* output,
                                     size_t row_begin, size_t row_end) {
  depthwise_conv2d(p, input, filter, bias, output, row_begin, row_end);
}

}  // namespace ref
}  // namespace lowbit
