#include "kernels/reference/qs8_elementwise.h"

#include <algorithm>
#include <cmath>

#include "kernels/reference/qs8_quantize.h"

namespace lowbit {
namespace ref {
namespace {

// An input element as the value the arithmetic uses (see sign_flip; 0 for int16).
inline int32_t load(const int8_t* p, uint8_t sign_flip) {
  return static_cast<int8_t>(*p ^ sign_flip);
}
inline int32_t load(const int16_t* p, uint8_t) { return *p; }

// A clamped result as the element stored.
template <typename T>
inline T store(int32_t v, uint8_t sign_flip) {
  return static_cast<T>(v ^ sign_flip);
}

}  // namespace

Qs8AddMultipliers qs8_add_multipliers(float a_scale, float b_scale, float output_scale,
                                      int left_shift) {
  const double sa = a_scale, sb = b_scale, so = output_scale;
  const double twice_max = 2.0 * std::max(sa, sb);
  return {sa / twice_max, sb / twice_max, twice_max / (std::ldexp(1.0, left_shift) * so)};
}

RequantProfile make_qs8_add_params(RequantProfile profile, float a_scale, float b_scale,
                                   float output_scale, bool subtract, Qs8AddParams* p) {
  if (profile == RequantProfile::kXnnpackFp32 &&
      !make_xnnpack_add_multipliers(a_scale / output_scale, b_scale / output_scale, p)) {
    profile = RequantProfile::kSingleRounding;
  }
  const Qs8AddMultipliers m = qs8_add_multipliers(a_scale, b_scale, output_scale, p->left_shift);
  p->profile = profile;
  p->a = make_requantizer(profile, m.a, 0.0f);
  p->b = make_requantizer(profile, m.b, 0.0f);
  p->output = make_requantizer(profile, m.output, 0.0f);
  if (subtract) {
    // Negated after quantizing, as TFLite and XNNPACK do: each rounding
    // step then sees exactly the operands theirs see.
    p->b.multiplier = -p->b.multiplier;
    p->xnn_b_multiplier = -p->xnn_b_multiplier;
  }
  return profile;
}

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

namespace {

// TFLite's ADD after the inputs are loaded as int32 (int8, uint8 sign-flipped,
// or int16): lifted, rescaled onto the common scale, summed, rescaled.
template <typename T>
void add_fixed_point(const Qs8AddParams& p, size_t n, const T* a, size_t a_stride, const T* b,
                     size_t b_stride, T* output) {
  // |x - zp| <= 2^16 and left_shift is 15 for int16 (20 for 8-bit), so the
  // lifted values stay below 2^31.
  const int32_t lift = int32_t{1} << p.left_shift;
  for (size_t i = 0; i < n; ++i) {
    const int32_t a_lifted = (load(a + i * a_stride, p.sign_flip) - p.a_zero_point) * lift;
    const int32_t b_lifted = (load(b + i * b_stride, p.sign_flip) - p.b_zero_point) * lift;
    // Input multipliers are within +-1/2, so the sum of the rescaled values fits.
    const int32_t sum = requantize(a_lifted, p.a, p.profile) + requantize(b_lifted, p.b, p.profile);
    output[i] = store<T>(requantize_and_clamp(sum, p.output, p.profile, p.output_zero_point,
                                              p.act_min, p.act_max),
                         p.sign_flip);
  }
}

}  // namespace

void qs8_add__reference(const Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output) {
  const uint8_t flip = p.sign_flip;
  if (p.profile == RequantProfile::kXnnpackFp32) {
    const int32_t rounding = int32_t{1} << (p.xnn_shift - 1);
    for (size_t i = 0; i < n; ++i) {
      // |x - zp| <= 255 and |m| < 2^21: the sum stays within +-2^30.
      const int32_t acc = (load(a + i * a_stride, flip) - p.a_zero_point) * p.xnn_a_multiplier +
                          (load(b + i * b_stride, flip) - p.b_zero_point) * p.xnn_b_multiplier;
      const int32_t v = ((acc + rounding) >> p.xnn_shift) + p.output_zero_point;
      output[i] = store<int8_t>(std::min(std::max(v, p.act_min), p.act_max), flip);
    }
    return;
  }
  add_fixed_point(p, n, a, a_stride, b, b_stride, output);
}

void qs16_add__reference(const Qs8AddParams& p, size_t n, const int16_t* a, size_t a_stride,
                         const int16_t* b, size_t b_stride, int16_t* output) {
  add_fixed_point(p, n, a, a_stride, b, b_stride, output);
}

void qs8_mul__reference(const Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output) {
  const uint8_t flip = p.sign_flip;
  for (size_t i = 0; i < n; ++i) {
    const int32_t product = (load(a + i * a_stride, flip) - p.a_zero_point) *
                            (load(b + i * b_stride, flip) - p.b_zero_point);
    output[i] = store<int8_t>(requantize_and_clamp(product, p.output, p.profile,
                                                   p.output_zero_point, p.act_min, p.act_max),
                              flip);
  }
}

void qs16_mul__reference(const Qs8MulParams& p, size_t n, const int16_t* a, size_t a_stride,
                         const int16_t* b, size_t b_stride, int16_t* output) {
  for (size_t i = 0; i < n; ++i) {
    // |product| <= 2^30; TFLite's left shift of it wraps (requantize_wrapping).
    const int32_t product = int32_t{a[i * a_stride]} * b[i * b_stride];
    const int32_t v = requantize_wrapping(product, p.output, p.profile);
    output[i] = static_cast<int16_t>(std::min(std::max(v, p.act_min), p.act_max));
  }
}

void qs16_add_pot__reference(const Qs16PotAddParams& p, size_t n, const int16_t* a,
                             size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t x = rounding_divide_by_pot(a[i * a_stride], p.a_right_shift);
    const int32_t y = rounding_divide_by_pot(b[i * b_stride], p.b_right_shift);
    const int32_t sum = p.subtract ? x - y : x + y;
    // Saturated to int16 first (gemmlowp's SaturatingAdd), then the clamp.
    const int32_t saturated = std::min(std::max(sum, int32_t{-32768}), int32_t{32767});
    output[i] = static_cast<int16_t>(std::min(std::max(saturated, p.act_min), p.act_max));
  }
}

}  // namespace ref
}  // namespace lowbit
