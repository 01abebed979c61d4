#include "kernels/reference/qs8_quantize.h"

#include <cmath>

namespace lowbit {
namespace ref {

int32_t requantize_and_clamp(int32_t acc, const Requantizer& r, RequantProfile profile,
                             int32_t zero_point, int32_t lo, int32_t hi) {
  const int64_t v = int64_t{requantize(acc, r, profile)} + zero_point;
  return static_cast<int32_t>(v < lo ? lo : (v > hi ? hi : v));
}

int32_t quantize_float_value(const QuantizeParams& p, float x) {
  const float rounded =
      p.xnnpack_rounding ? std::nearbyint(x * p.inverse_scale) : std::round(x / p.scale);
  if (std::isnan(rounded)) return p.zero_point;
  // Clamp in float first: the range check must happen before converting.
  const float lo = static_cast<float>(p.qmin - p.zero_point);
  const float hi = static_cast<float>(p.qmax - p.zero_point);
  const float limited = rounded < lo ? lo : (rounded > hi ? hi : rounded);
  return static_cast<int32_t>(limited) + p.zero_point;
}

void qs8_requantize__reference(const RequantizeParams& params, size_t n, const int8_t* input,
                               int8_t* output) {
  requantize_any(params, n, input, output);
}
void qu8_qs8_requantize__reference(const RequantizeParams& params, size_t n,
                                   const uint8_t* input, int8_t* output) {
  requantize_any(params, n, input, output);
}
void qs8_qu8_requantize__reference(const RequantizeParams& params, size_t n, const int8_t* input,
                                   uint8_t* output) {
  requantize_any(params, n, input, output);
}
void qu8_requantize__reference(const RequantizeParams& params, size_t n, const uint8_t* input,
                               uint8_t* output) {
  requantize_any(params, n, input, output);
}
void qs8_relu__reference(const RequantizeParams& params, size_t n, const int8_t* input,
                         int8_t* output) {
  requantize_any(params, n, input, output);
}
void qu8_relu__reference(const RequantizeParams& params, size_t n, const uint8_t* input,
                         uint8_t* output) {
  requantize_any(params, n, input, output);
}

void qs8_quantize__reference(const QuantizeParams& params, size_t n, const float* input,
                             int8_t* output) {
  quantize_any(params, n, input, output);
}
void qu8_quantize__reference(const QuantizeParams& params, size_t n, const float* input,
                             uint8_t* output) {
  quantize_any(params, n, input, output);
}

void qs8_dequantize__reference(const DequantizeParams& params, size_t n, const int8_t* input,
                               float* output) {
  dequantize_any(params, n, input, output);
}
void qu8_dequantize__reference(const DequantizeParams& params, size_t n, const uint8_t* input,
                               float* output) {
  dequantize_any(params, n, input, output);
}

}  // namespace ref
}  // namespace lowbit
