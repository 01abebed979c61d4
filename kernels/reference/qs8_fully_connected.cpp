#include "kernels/reference/qs8_fully_connected.h"

namespace lowbit {
namespace ref {

int32_t double_rescale_to_output(const FullyConnectedQuantParams& p, int32_t channel, int32_t acc) {
  int32_t v = rescale_in_double(acc, p.double_scales[channel]);
  v = v < -kRequantizedLimit ? -kRequantizedLimit : (v > kRequantizedLimit ? kRequantizedLimit : v);
  v += p.output_zero_point;
  return v < p.act_min ? p.act_min : (v > p.act_max ? p.act_max : v);
}

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
      uint32_t sum = 0;  // modulo 2^32, as in the SIMD lanes (kernels/qs8_conv.h)
      for (size_t i = 0; i < k; ++i) {
        sum += uint32_t((int32_t(w[i]) - p.filter_zero_point) * (int32_t(x[i]) - p.input_zero_point));
      }
      if (bias) sum += uint32_t(bias[oc]);
      const auto acc = int32_t(sum);
      out_row[oc] = static_cast<T>(p.double_scales ? double_rescale_to_output(p, oc, acc)
                                                   : requantize_to_output(
                                                         acc, p.requantizers[oc], p.profile,
                                                         p.output_zero_point, p.act_min, p.act_max));
    }
  }
}

}  // namespace

double fully_connected_double_scale(float input_scale, float weight_scale, float output_scale) {
  return static_cast<double>(input_scale) * static_cast<double>(weight_scale) /
         static_cast<double>(output_scale);
}

bool fully_connected_single_rounding_equivalents(const FullyConnectedQuantParams& p,
                                                 Requantizer* out) {
  QuantizedMultiplier qm;
  for (int32_t c = 0; c < p.output_depth; ++c) {
    // Per-tensor weights repeat one scale: search once (a few microseconds a search).
    const bool same_as_previous = c > 0 && p.double_scales[c] == p.double_scales[c - 1];
    if (!same_as_previous && !find_single_rounding_equivalent(p.double_scales[c], p.output_zero_point,
                                                              p.act_min, p.act_max, &qm)) {
      return false;
    }
    out[c] = Requantizer{};
    out[c].multiplier = qm.multiplier;
    out[c].shift = qm.shift;
  }
  return true;
}

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
