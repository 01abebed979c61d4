#include "kernels/reference/qs8_elementwise.h"

#include <cmath>

#include "lowbit/interpreter.h"

namespace lowbit {
namespace ref {
namespace {

int8_t clamp_to_int8(int32_t v, int32_t lo, int32_t hi) {
  return static_cast<int8_t>(v < lo ? lo : (v > hi ? hi : v));
}

// Round half to even, limited so the conversion to int32 is always defined.
int32_t round_float_to_int32(float v) {
  const float limited = std::fmin(std::fmax(v, -2147483520.0f), 2147483520.0f);
  return static_cast<int32_t>(std::nearbyint(limited));
}

}  // namespace

void qs8_add__reference(const Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output) {
  if (p.profile == RequantProfile::kXnnpackFp32) {
    for (size_t i = 0; i < n; ++i) {
      const float sum = static_cast<float>(a[i * a_stride] - p.a_zero_point) * p.a_scale +
                        static_cast<float>(b[i * b_stride] - p.b_zero_point) * p.b_scale;
      output[i] = clamp_to_int8(round_float_to_int32(sum) + p.output_zero_point, p.act_min,
                                p.act_max);
    }
    return;
  }
  // |x - zp| <= 255, so the lifted values stay below 2^28.
  const int32_t lift = int32_t{1} << p.left_shift;
  for (size_t i = 0; i < n; ++i) {
    const int32_t a_lifted = (a[i * a_stride] - p.a_zero_point) * lift;
    const int32_t b_lifted = (b[i * b_stride] - p.b_zero_point) * lift;
    const int32_t sum = requantize(a_lifted, p.a, p.profile) + requantize(b_lifted, p.b, p.profile);
    output[i] = clamp_to_int8(requantize(sum, p.output, p.profile) + p.output_zero_point,
                              p.act_min, p.act_max);
  }
}

void qs8_mul__reference(const Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t product = (a[i * a_stride] - p.a_zero_point) * (b[i * b_stride] - p.b_zero_point);
    output[i] = static_cast<int8_t>(requantize_to_output(product, p.output, p.profile,
                                                         p.output_zero_point, p.act_min,
                                                         p.act_max));
  }
}

}  // namespace ref
}  // namespace lowbit
