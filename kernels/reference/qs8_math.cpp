#include "kernels/reference/qs8_math.h"

#include <cmath>
#include <limits>

#include "kernels/reference/qs16_activation.h"
#include "kernels/reference/qs8_elementwise.h"
#include "kernels/reference/qs8_logistic_fixedpoint.h"

namespace lowbit {
namespace ref {
namespace {

int32_t lowest_of(const ByteQuant& q) { return q.is_uint8 ? 0 : -128; }

uint8_t clamp_to_byte(const ByteQuant& out, int32_t v) {
  const int32_t lo = lowest_of(out), hi = lo + 255;
  return static_cast<uint8_t>(v < lo ? lo : (v > hi ? hi : v));
}

// float -> int32 truncating, saturating where int32 cannot hold the value
// (LiteRT's EXP tables saturate); NaN gives INT32_MIN.
int32_t truncate_saturating(float v) {
  if (v >= 2147483648.0f) return std::numeric_limits<int32_t>::max();
  if (!(v >= -2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// table[byte of q] = fn(q) for every value q of the input type.
template <typename Fn>
void fill_table(const ByteQuant& in, uint8_t table[256], Fn fn) {
  const int32_t lo = lowest_of(in);
  for (int32_t q = lo; q < lo + 256; ++q) table[static_cast<uint8_t>(q & 0xff)] = fn(q);
}

int32_t q31_mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

}  // namespace

void x8_lut__reference(const X8LutParams& params, size_t n, const uint8_t* input,
                       uint8_t* output) {
  for (size_t i = 0; i < n; ++i) output[i] = params.table[input[i]];
}

void make_float_table(const ByteQuant& in, const ByteQuant& out, TableRounding rounding,
                      float (*f)(float x, float param), float param, uint8_t table[256]) {
  const float inverse_output_scale = 1.0f / out.scale;
  fill_table(in, table, [&](int32_t q) {
    const float x = in.scale * static_cast<float>(q - in.zero_point);
    const float scaled = f(x, param) * inverse_output_scale;
    const float rounded =
        rounding == TableRounding::kHalfAwayFromZero ? std::round(scaled) : std::nearbyint(scaled);
    return clamp_to_byte(out, truncate_saturating(rounded + static_cast<float>(out.zero_point)));
  });
}

void make_tanh_table(float, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]) {
  make_float_table(in, out, TableRounding::kHalfAwayFromZero,
                   [](float x, float) { return std::tanh(x); }, 0.0f, table);
}

void make_exp_table(float, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]) {
  make_float_table(in, out, TableRounding::kHalfAwayFromZero,
                   [](float x, float) { return std::exp(x); }, 0.0f, table);
}

void make_log_table(float, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]) {
  const float lowest = static_cast<float>(lowest_of(out) - out.zero_point) * out.scale;
  make_float_table(in, out, TableRounding::kHalfAwayFromZero,
                   [](float x, float lowest_value) { return x <= 0.0f ? lowest_value : std::log(x); },
                   lowest, table);
}

void make_abs_table(float, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]) {
  const bool rescale = in.scale != out.scale;
  const QuantizedMultiplier m = quantize_multiplier(static_cast<double>(in.scale / out.scale));
  fill_table(in, table, [&](int32_t q) {
    const int32_t magnitude = std::abs(q - in.zero_point);
    const int32_t v = rescale ? multiply_by_quantized_multiplier(magnitude, m.multiplier, m.shift)
                              : magnitude;
    return clamp_to_byte(out, v + out.zero_point);
  });
}

void make_neg_table(float, const ByteQuant&, const ByteQuant&, uint8_t table[256]) {
  fill_table(ByteQuant{}, table, [](int32_t q) { return static_cast<uint8_t>(-q & 0xff); });
}

void make_sqrt_table(float, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]) {
  fill_table(in, table, [&](int32_t q) -> uint8_t {
    const float x = in.scale * static_cast<float>(q - in.zero_point);
    if (!(x >= 0.0f)) return 0;
    return clamp_to_byte(out, truncate_saturating(std::sqrt(x) / out.scale) + out.zero_point);
  });
}

QuantizedMultiplier inverse_sqrt_multiplier(int32_t x) {
  if (x <= 1) return {std::numeric_limits<int32_t>::max(), 0};
  int shift = 11;
  while (x >= (1 << 29)) {
    x /= 4;
    ++shift;
  }
  // An even left shift brings x into [2^27, 2^29), read as Q3 (raw x / 2).
  const int pairs = (__builtin_clz(static_cast<uint32_t>(x)) - 1) / 2 - 1;
  shift -= pairs;
  x <<= 2 * pairs;
  constexpr int32_t kOneQ3 = 1 << 28;
  const int32_t half_x = rounding_divide_by_pot(x >> 1, 1);
  const int32_t three_halves = kOneQ3 + (kOneQ3 >> 1);
  // Five Newton-Raphson steps y <- 1.5 y - (x / 2) y^3 from y = 1; products
  // of Q3 values are Q6 and Q9, brought back to Q3.
  int32_t y = kOneQ3;
  for (int i = 0; i < 5; ++i) {
    const int32_t y_cubed = fixed_point::rescale(q31_mul(q31_mul(y, y), y), 9, 3);
    y = fixed_point::rescale(q31_mul(three_halves, y) - q31_mul(half_x, y_cubed), 6, 3);
  }
  constexpr int32_t kHalfSqrt2Q0 = 1518500250;  // sqrt(2) / 2 in Q0.31
  y = q31_mul(y, kHalfSqrt2Q0);
  if (shift < 0) {
    y = static_cast<int32_t>(static_cast<uint32_t>(y) << -shift);
    shift = 0;
  }
  return {y, -shift};
}

void make_rsqrt_table(float, const ByteQuant& in, const ByteQuant& out, uint8_t table[256]) {
  // TFLite keeps 20 extra bits between the two rescales.
  constexpr int kExtraBits = 20;
  const QuantizedMultiplier m =
      quantize_multiplier(1.0 / static_cast<double>(std::sqrt(in.scale) * out.scale));
  fill_table(in, table, [&](int32_t q) -> uint8_t {
    const int32_t value = q - in.zero_point;
    if (value < 0) return 0;
    if (value == 0) return clamp_to_byte(out, std::numeric_limits<int32_t>::max());
    const QuantizedMultiplier inv = inverse_sqrt_multiplier(value);
    const int32_t scaled = multiply_by_quantized_multiplier(1, inv.multiplier, inv.shift + kExtraBits);
    return clamp_to_byte(out, multiply_by_quantized_multiplier(scaled, m.multiplier,
                                                               m.shift - kExtraBits) +
                                  out.zero_point);
  });
}

void make_leaky_relu_table(float alpha, const ByteQuant& in, const ByteQuant& out,
                           uint8_t table[256]) {
  // A negative alpha rescales like its magnitude with the result negated (so
  // ties round toward zero both ways), which is what LiteRT's bytes show.
  const LeakyReluRescale rescale = make_leaky_relu_rescale(in.scale, alpha, out.scale);
  fill_table(in, table, [&](int32_t q) {
    return clamp_to_byte(out, leaky_relu_rescale(rescale, q - in.zero_point) + out.zero_point);
  });
}

void make_qs8_prelu_params(float input_scale, float alpha_scale, float output_scale,
                           Qs8PreluParams* p) {
  p->positive = quantize_multiplier(static_cast<double>(input_scale / output_scale));
  p->negative = quantize_multiplier(static_cast<double>(input_scale * alpha_scale / output_scale));
}

void qs8_prelu__reference(const Qs8PreluParams& p, size_t n, const int8_t* x, size_t x_stride,
                          const int8_t* alpha, size_t alpha_stride, int8_t* output) {
  const int8_t flip = static_cast<int8_t>(p.sign_flip);
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = static_cast<int8_t>(x[i * x_stride] ^ flip) - p.input_zero_point;
    int32_t r;
    if (v >= 0) {
      r = multiply_by_quantized_multiplier(v, p.positive.multiplier, p.positive.shift);
    } else {
      const int32_t a = static_cast<int8_t>(alpha[i * alpha_stride] ^ flip) - p.alpha_zero_point;
      r = multiply_by_quantized_multiplier(v * a, p.negative.multiplier, p.negative.shift);
    }
    r += p.output_zero_point;
    r = r < -128 ? -128 : (r > 127 ? 127 : r);
    output[i] = static_cast<int8_t>(r ^ flip);
  }
}

bool make_qs8_squared_difference_params(float a_scale, float b_scale, float output_scale,
                                        Qs8SquaredDifferenceParams* p) {
  constexpr int kLeftShift = 7;
  const Qs8AddMultipliers inputs = qs8_add_multipliers(a_scale, b_scale, output_scale, kLeftShift);
  const double twice_max = 2.0 * static_cast<double>(std::fmax(a_scale, b_scale));
  const double output = twice_max * twice_max /
                        static_cast<double>(static_cast<float>(1 << (2 * kLeftShift)) * output_scale);
  p->a = quantize_multiplier(inputs.a);
  p->b = quantize_multiplier(inputs.b);
  p->output = quantize_multiplier(output);
  return output < 1.0 && p->output.shift <= 0;
}

void qs8_squared_difference__reference(const Qs8SquaredDifferenceParams& p, size_t n,
                                       const int8_t* a, size_t a_stride, const int8_t* b,
                                       size_t b_stride, int8_t* output) {
  constexpr int32_t kLift = 1 << 7;
  for (size_t i = 0; i < n; ++i) {
    const int32_t sa = multiply_by_quantized_multiplier((a[i * a_stride] - p.a_zero_point) * kLift,
                                                        p.a.multiplier, p.a.shift);
    const int32_t sb = multiply_by_quantized_multiplier((b[i * b_stride] - p.b_zero_point) * kLift,
                                                        p.b.multiplier, p.b.shift);
    const int32_t diff = sa - sb;
    int32_t r = multiply_by_quantized_multiplier(diff * diff, p.output.multiplier, p.output.shift) +
                p.output_zero_point;
    r = r < -128 ? -128 : (r > 127 ? 127 : r);
    output[i] = static_cast<int8_t>(r);
  }
}

}  // namespace ref
}  // namespace lowbit
