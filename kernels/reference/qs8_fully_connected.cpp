#include "kernels/reference/qs8_fully_connected.h"

namespace lowbit {
namespace ref {
namespace {

template <typename T>
void fully_connected(const FullyConnectedQuantParams& p, const T* input, const T* weights,
                     const int32_t* bias, T* output, size_t row_begin, size_t row_end) {
  const size_t k = static_cast<size_t>(p.input_depth);
  for (size_t b = row_begin; b < row_end; ++b) {
    const T* x = input + b * k;
    T* out_row = output + b * size_t(p.output_depth);
    for (int32_t oc = 0; oc < p.output_depth; ++oc) {
      const T* w = weights + size_t(oc) * k;
      int32_t acc = 0;
      for (size_t i = 0; i < k; ++i) {
        acc += (int32_t(w[i]) - p.filter_zero_point) * (int32_t(x[i]) - p.input_zero_point);
      }
      if (bias) acc += bias[oc];
      out_row[oc] = static_cast<T>(requantize_to_output(
          acc, p.requantizers[oc], p.profile, p.output_zero_point, p.act_min, p.act_max));
    }
  }
}

}  // namespace

void qs8_fully_connected__reference(const FullyConnectedQuantParams& p, const int8_t* input,
                                    const int8_t* weights, const int32_t* bias, int8_t* output,
                                    size_t row_begin, size_t row_end) {
  fully_connected(p, input, weights, bias, output, row_begin, row_end);
}

void qu8_fully_connected__reference(const FullyConnectedQuantParams& p, const uint8_t* input,
                                    const uint8_t* weights, const int32_t* bias, uint8_t* output,
                                    size_t row_begin, size_t row_end) {
  fully_connected(p, input, weights, bias, output, row_begin, row_end);
}

}  // namespace ref
}  // namespace lowbit
