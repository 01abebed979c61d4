// plan_qs8_add_linear: TFLite's three-rescale int8 ADD as one linear form in
// 32-bit lanes plus a proven error bound (kernels/reference/qs8_elementwise.h).
//
// In a fixed-point profile the output before its zero point is
//   out = floor(S * Mo / 2^K + c),  S = TA(v_a) + TB(v_b),  K = 31 + r,
// where TA, TB are the rescaled inputs (integers, computed here with
// ref::requantize itself, so their own roundings are taken as they are), Mo
// and r = -shift the output multiplier, and c the output rounding's offset:
// with p = S * Mo, tflite_reference adds 2^30 + 2^(30+r) - 2^31 [p < 0],
// tflite_optimized 2^30 + 2^(30+r), single_rounding 2^(30+r) before the
// floor division by 2^K (r = 0: 2^30, one rounding), so c lies within
// eta = 2^-(r+1) of 1/2 (eta = 0 for single rounding and r = 0).
//
// The form z = v_a * m_a + v_b * m_b + 2^(k-1) (plus the output zero point
// times 2^k) differs from (S Mo / 2^K + 1/2) 2^k by at most
//   E = max |v m_a - TA(v) Mo / 2^(K-k)| + max |v m_b - TB(v) Mo / 2^(K-k)|
// (each a maximum over the 256 byte values, evaluated exactly), so
// z / 2^k and S Mo / 2^K + c differ by at most (E + eta 2^k) / 2^k < M / 2^k.
// Where z lies at least M from every multiple of 2^k both floors agree. The
// form adds P / 2 > M (P = 2^e) so that one test finds the others: z + P/2
// has its bits e..k-1 all zero exactly where z mod 2^k lies in
// [2^k - P/2, 2^k) or [0, P/2), which covers every lane within M of a
// boundary; elsewhere floor((z + P/2) / 2^k) = floor(z / 2^k).
//
// Where E = 0 (both inputs' rescales are exact multiples, as with scales in
// power-of-two ratios) the form is exact and ties are frequent, so no lane
// is marked near; instead lin = v_a m_a + v_b m_b equals S Mo / 2^(K-k), and
// floor((lin 2^(K-k) + 2^(K-1) + delta) / 2^K) = floor((lin + 2^(k-1) +
// floor(delta / 2^(K-k))) / 2^k) for the offset delta = c 2^K - 2^(K-1),
// whose sign rule (p < 0 exactly where lin < 0) the kernel applies with a
// compare and a masked subtract (negative_below, negative_adjust).
//
// The final clamps agree too: the reference limits out to +-2^16, adds the
// zero point and clamps to the activation range inside int8; a kernel that
// saturates out + zero point to int8 and then clamps gets the same byte.
#include <cmath>
#include <cstdint>

#include "kernels/reference/qs8_elementwise.h"

namespace lowbit {
namespace ref {

#if defined(__SIZEOF_INT128__)

namespace {

__extension__ typedef __int128 Wide;  // GCC and Clang on 64-bit targets

Wide wide_abs(Wide x) { return x < 0 ? -x : x; }

// max over the 256 bytes x of |(x - zp) m 2^(K-k) - T(x - zp) Mo|, in units
// of 2^-K of an output step.
Wide max_input_error(const Requantizer& input, RequantProfile profile, int32_t zero_point,
                     int64_t m, int32_t output_multiplier, int lost_bits) {
  Wide worst = 0;
  for (int x = -128; x <= 127; ++x) {
    const int32_t v = x - zero_point;
    const int32_t rescaled = requantize(v * (int32_t{1} << 20), input, profile);
    const Wide error = Wide{v} * m * (Wide{1} << lost_bits) - Wide{rescaled} * output_multiplier;
    if (wide_abs(error) > worst) worst = wide_abs(error);
  }
  return worst;
}

// The input multiplier of the form at precision k: Mi Mo 2^(20 - 31 + si - K + k).
int64_t form_multiplier(const Requantizer& input, int32_t output_multiplier, int exponent) {
  const long double exact = static_cast<long double>(input.multiplier) * output_multiplier;
  return static_cast<int64_t>(std::llround(std::ldexp(exact, exponent)));
}

// Of a sample of 4096 byte pairs (every x_a, 16 x_b spread over the range),
// how many the form marks near.
int near_in_sample(const Qs8AddLinearForm& f) {
  int near = 0;
  for (int x = -128; x <= 127; ++x) {
    for (int j = 0; j < 16; ++j) {
      const int y = -128 + 16 * j + ((x * 7) & 15);
      const int64_t z = int64_t{x} * f.a_multiplier + int64_t{y} * f.b_multiplier + f.bias;
      if ((z & f.near_mask) == 0) ++near;
    }
  }
  return near;
}

}  // namespace

// XNNPACK's vadd, ((v_a m_a + v_b m_b + 2^(s-1)) >> s) + zp_out, is the form
// itself with the zero points in the bias (adding zp_out 2^s before the shift
// adds zp_out after it): exact, no lane near, where it fits int32.
void plan_xnnpack_add(Qs8AddParams& p) {
  const int64_t ma = p.xnn_a_multiplier, mb = p.xnn_b_multiplier;
  const int k = p.xnn_shift;
  if (k < 1 || k > 30) return;
  const int64_t bias = -int64_t{p.a_zero_point} * ma - int64_t{p.b_zero_point} * mb +
                       (int64_t{1} << (k - 1)) + int64_t{p.output_zero_point} * (int64_t{1} << k);
  const auto magnitude = [](int64_t x) { return x < 0 ? -x : x; };
  if (128 * magnitude(ma) + 128 * magnitude(mb) + magnitude(bias) >= (int64_t{1} << 31)) return;
  Qs8AddLinearForm f;
  f.usable = true;
  f.a_multiplier = static_cast<int32_t>(ma);
  f.b_multiplier = static_cast<int32_t>(mb);
  f.bias = static_cast<int32_t>(bias);
  f.shift = k;
  p.linear = f;  // near_mask 0: exact; negative_adjust 0: no sign rule
}

void plan_qs8_add_linear(Qs8AddParams* params) {
  Qs8AddParams& p = *params;
  p.linear = Qs8AddLinearForm{};
  const RequantProfile profile = built_profile(p.profile);
  const auto byte_zero_point = [](int32_t zp) { return zp >= -128 && zp <= 127; };
  // qs8_add__reference tests p.profile itself for XNNPACK's arithmetic;
  // requantize() rounds in built_profile's.
  if (p.profile == RequantProfile::kXnnpackFp32) {
    if (p.left_shift == 20 && byte_zero_point(p.a_zero_point) &&
        byte_zero_point(p.b_zero_point) && byte_zero_point(p.output_zero_point)) {
      plan_xnnpack_add(p);
    }
    return;
  }
  if (profile == RequantProfile::kXnnpackFp32 || p.left_shift != 20 || p.output.shift > 0 ||
      p.output.multiplier <= 0 || p.a.shift > 0 || p.b.shift > 0 ||
      !byte_zero_point(p.a_zero_point) || !byte_zero_point(p.b_zero_point) ||
      !byte_zero_point(p.output_zero_point)) {
    return;
  }
  const int r = -p.output.shift;
  const int K = 31 + r;
  // The output rounding's offset c - 1/2 in units of 2^-K, for p >= 0 and
  // p < 0 (a fused RELU's clamped_profile changes only outputs the clamp
  // replaces, so the operator's own profile decides).
  const bool single = profile == RequantProfile::kSingleRounding || r == 0;
  const int64_t delta_positive = single ? 0 : int64_t{1} << 30;
  const int64_t delta_negative =
      profile == RequantProfile::kTfliteReference && !single ? -delta_positive : delta_positive;
  const Wide eta = delta_positive;
  // The largest precision whose form fits int32 for every byte pair; a
  // smaller one only widens the near band relative to 2^k.
  for (int k = 30; k >= 10; --k) {
    const int lost_bits = K - k;  // >= 1: K >= 31
    if (lost_bits > 62) continue;
    const int64_t ma = form_multiplier(p.a, p.output.multiplier, 20 - 31 + p.a.shift - K + k);
    const int64_t mb = form_multiplier(p.b, p.output.multiplier, 20 - 31 + p.b.shift - K + k);
    if (ma > INT32_MAX / 256 || ma < -INT32_MAX / 256 || mb > INT32_MAX / 256 ||
        mb < -INT32_MAX / 256) {
      continue;
    }
    const int64_t zero_point_terms = -int64_t{p.a_zero_point} * ma - int64_t{p.b_zero_point} * mb;
    const int64_t half = int64_t{1} << (k - 1);
    const int64_t output_zero = int64_t{p.output_zero_point} * (int64_t{1} << k);
    const auto magnitude = [](int64_t x) { return x < 0 ? -x : x; };
    // Skips the error bound (the costly part of a plan) where the form
    // would hardly fit: its other terms (P / 2 <= 2^(k-10), the sign rule's
    // offset) are small. Only the choice of k depends on this; the range
    // check below is the one that guarantees int32.
    const int64_t base = zero_point_terms + half + output_zero;
    if (128 * magnitude(ma) + 128 * magnitude(mb) + magnitude(base) + (int64_t{1} << (k - 8)) >=
        (int64_t{1} << 31)) {
      continue;
    }
    const Wide input_error = max_input_error(p.a, profile, p.a_zero_point, ma,
                                             p.output.multiplier, lost_bits) +
                             max_input_error(p.b, profile, p.b_zero_point, mb,
                                             p.output.multiplier, lost_bits);
    Qs8AddLinearForm f;
    f.shift = k;
    int64_t bias = 0, negative_below = 0, negative_adjust = 0;
    if (input_error == 0) {
      // Exact: z = (S Mo / 2^K + 1/2) 2^k is an integer and the offset
      // delta 2^k moves floor(z / 2^k) exactly as floor(delta 2^k) does
      // (a fraction of 1 cannot cross a multiple of 2^k from an integer).
      // lin = z minus the constant terms has the sign of p.
      const auto floor_units = [&](int64_t delta) {
        return lost_bits >= 63 ? (delta < 0 ? -1 : 0) : delta >> lost_bits;
      };
      const int64_t d_positive = floor_units(delta_positive);
      const int64_t d_negative = floor_units(delta_negative);
      negative_below = half + output_zero + d_positive;
      negative_adjust = d_positive - d_negative;
      bias = zero_point_terms + negative_below;
      f.near_mask = 0;
    } else {
      // M: the bound in units of 2^-k, rounded up, plus one; P / 2 = 2^(e-1) > M.
      const Wide unit = Wide{1} << lost_bits;
      const int64_t margin = static_cast<int64_t>((input_error + eta + unit - 1) / unit) + 1;
      int e = 1;
      while ((int64_t{1} << (e - 1)) <= margin) ++e;
      if (e > k - 9) return;  // too coarse to pay off at any smaller k either
      bias = zero_point_terms + half + output_zero + (int64_t{1} << (e - 1));
      f.near_mask = static_cast<int32_t>((int64_t{1} << k) - (int64_t{1} << e));
    }
    if (128 * magnitude(ma) + 128 * magnitude(mb) + magnitude(bias) + magnitude(negative_below) >=
        (int64_t{1} << 31)) {
      continue;
    }
    f.a_multiplier = static_cast<int32_t>(ma);
    f.b_multiplier = static_cast<int32_t>(mb);
    f.bias = static_cast<int32_t>(bias);
    f.negative_below = static_cast<int32_t>(negative_below);
    f.negative_adjust = static_cast<int32_t>(negative_adjust);
    // Worth it only where near lanes (each a step recomputed) are rare:
    // scales in simple ratios put many sums exactly on rounding ties.
    f.usable = f.near_mask == 0 || near_in_sample(f) * 512 < 4096;
    if (f.usable) p.linear = f;
    return;
  }
}

#else

void plan_qs8_add_linear(Qs8AddParams* params) { params->linear = Qs8AddLinearForm{}; }

#endif

}  // namespace ref
}  // namespace lowbit
