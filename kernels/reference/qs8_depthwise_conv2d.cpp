#include "kernels/reference/qs8_depthwise_conv2d.h"

namespace lowbit {
namespace ref {
namespace {

template <typename T>
void depthwise_conv2d(const DepthwiseQuantParams& p, const T* input, const T* filter,
                      const int32_t* bias, T* output, size_t row_begin, size_t row_end) {
  const int32_t output_c = p.input_c * p.depth_multiplier;
  for_each_output_pixel(p, p.input_c, output_c, input, output, row_begin, row_end,
                        [&](const T* image, int32_t oy, int32_t ox, T* out) {
    for (int32_t oc = 0; oc < output_c; ++oc) {
      const int32_t ic = oc / p.depth_multiplier;
      uint32_t acc = 0;  // modulo 2^32, as in the SIMD lanes (kernels/qs8_conv.h)
      for_each_window_tap(p, oy, ox, [&](int32_t ky, int32_t kx, int32_t iy, int32_t ix) {
        const int32_t x = image[(size_t(iy) * p.input_w + ix) * p.input_c + ic];
        const int32_t w = filter[(size_t(ky) * p.kernel_w + kx) * output_c + oc];
        acc += uint32_t((w - p.filter_zero_point) * (x - p.input_zero_point));
      });
      if (bias) acc += uint32_t(bias[oc]);
      out[oc] = static_cast<T>(requantize_to_output(int32_t(acc), p.requantizers[oc], p.profile,
                                                    p.output_zero_point, p.act_min, p.act_max));
    }
  });
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
