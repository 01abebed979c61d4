#include "kernels/reference/qs8_elementwise.h"

#include <cmath>

#include "kernels/reference/qs8_quantize.h"

namespace lowbit {
namespace ref {
namespace {

int8_t clamp_to_int8(int32_t v, int32_t lo, int32_t hi) {
  return static_cast<int8_t>(v < lo ? lo : (v > hi ? hi : v));
}

}  // namespace

bool make_xnnpack_add_multipliers(float a_ratio, float b_ratio, Qs8AddParams* params) {
  const float lo = 0x1.0p-10f, hi = 0x1.0p+8f;
  if (!(a_ratio >= lo && a_ratio < hi && b_ratio >= lo && b_ratio < hi)) return false;
  const float max_ratio = a_ratio > b_ratio ? a_ratio : b_ratio;
  // 2^20 <= largest multiplier < 2^21.
  const int shift = 20 - std::ilogb(max_ratio);
  params->xnn_shift = shift;
  params->xnn_a_multiplier = static_cast<int32_t>(std::lrint(std::ldexp(a_ratio, shift)));
  params->xnn_b_multiplier = static_cast<int32_t>(std::lrint(std::ldexp(b_ratio, shift)));
  return true;
}

void qs8_add__reference(const Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output) {
  if (p.profile == RequantProfile::kXnnpackFp32) {
    const int32_t rounding = int32_t{1} << (p.xnn_shift - 1);
    for (size_t i = 0; i < n; ++i) {
      // |x - zp| <= 255 and m < 2^21: the sum stays below 2^30.
      const int32_t acc = (a[i * a_stride] - p.a_zero_point) * p.xnn_a_multiplier +
                          (b[i * b_stride] - p.b_zero_point) * p.xnn_b_multiplier;
      output[i] = clamp_to_int8(((acc + rounding) >> p.xnn_shift) + p.output_zero_point,
                                p.act_min, p.act_max);
    }
    return;
  }
  // |x - zp| <= 255, so the lifted values stay below 2^28.
  const int32_t lift = int32_t{1} << p.left_shift;
  for (size_t i = 0; i < n; ++i) {
    const int32_t a_lifted = (a[i * a_stride] - p.a_zero_point) * lift;
    const int32_t b_lifted = (b[i * b_stride] - p.b_zero_point) * lift;
    // Input multipliers are <= 1/2, so the sum of the two rescaled values fits.
    const int32_t sum = requantize(a_lifted, p.a, p.profile) + requantize(b_lifted, p.b, p.profile);
    output[i] = static_cast<int8_t>(requantize_and_clamp(sum, p.output, p.profile,
                                                         p.output_zero_point, p.act_min,
                                                         p.act_max));
  }
}

void qs8_mul__reference(const Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t product = (a[i * a_stride] - p.a_zero_point) * (b[i * b_stride] - p.b_zero_point);
    output[i] = static_cast<int8_t>(requantize_and_clamp(product, p.output, p.profile,
                                                         p.output_zero_point, p.act_min,
                                                         p.act_max));
  }
}

}  // namespace ref
}  // namespace lowbit
