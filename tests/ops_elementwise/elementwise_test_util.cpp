#include "elementwise_test_util.h"

#include <cmath>

namespace lowbit {
namespace testing {

void build_single_op(ModelBuilder& b, OpType type, const std::vector<Operand>& inputs,
                     const Operand& output, OpOptions options) {
  std::vector<int> op_inputs, graph_inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Operand& in = inputs[i];
    const std::string name = "in" + std::to_string(i);
    int t;
    if (!in.constant.empty()) {
      t = b.add_constant(name, in.dtype, in.shape, in.constant.data(), in.constant.size(), in.quant);
    } else {
      t = b.add_tensor(name, in.dtype, in.shape, in.quant);
      graph_inputs.push_back(t);
    }
    op_inputs.push_back(t);
  }
  const int out = b.add_tensor("out", output.dtype, output.shape, output.quant);
  b.add_operator(type, op_inputs, {out}, std::move(options), "op");
  b.set_inputs(graph_inputs);
  b.set_outputs({out});
}

RunResult run_single_op(OpType type, const std::vector<Operand>& inputs, const Operand& output,
                        OpOptions options, const std::vector<Bytes>& data,
                        RequantProfile profile, int num_threads) {
  InterpreterOptions opts;
  opts.profile = profile;
  opts.num_threads = num_threads;
  ModelBuilder builder;
  build_single_op(builder, type, inputs, output, std::move(options));
  return run_model(builder, data, opts);
}

SimMultiplier sim_quantize_multiplier(double real, bool single_rounding_limits) {
  SimMultiplier m;
  if (!(real > 0.0)) return m;
  int e = 0;
  const double q = std::frexp(real, &e);
  int64_t fixed = std::llround(q * 2147483648.0);
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++e;
  }
  if (e < -31) return SimMultiplier{};
  if (single_rounding_limits && e > 30) {
    e = 30;
    fixed = (int64_t{1} << 31) - 1;
  }
  m.multiplier = fixed;
  m.exponent = e;
  return m;
}

int64_t sim_round_half_away(int64_t v, int shift) {
  if (shift <= 0) return v;
  const int64_t half = int64_t{1} << (shift - 1);
  const int64_t magnitude = v < 0 ? -v : v;
  const int64_t rounded = (magnitude + half) >> shift;
  return v < 0 ? -rounded : rounded;
}

// floor((a * b + add) / 2^shift) for 0 < shift < 64, computed in 128 bits;
// the result must fit in int64. 32-bit ARM has no __int128: there the
// product is formed from 32-bit halves (tests run there under qemu-arm).
static int64_t floor_mul_add_shift(int64_t a, int64_t b, int64_t add, int shift) {
#if defined(__SIZEOF_INT128__)
  return static_cast<int64_t>((static_cast<__int128>(a) * b + add) >> shift);
#else
  const bool negative = (a < 0) != (b < 0);
  const uint64_t ua = a < 0 ? 0 - static_cast<uint64_t>(a) : static_cast<uint64_t>(a);
  const uint64_t ub = b < 0 ? 0 - static_cast<uint64_t>(b) : static_cast<uint64_t>(b);
  const uint64_t a_lo = ua & 0xffffffffu, a_hi = ua >> 32, b_lo = ub & 0xffffffffu, b_hi = ub >> 32;
  const uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  const uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
  uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
  uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  if (negative) {  // two's complement of the 128-bit magnitude
    lo = ~lo + 1;
    hi = ~hi + (lo == 0 ? 1 : 0);
  }
  const uint64_t add_lo = static_cast<uint64_t>(add);
  const uint64_t sum_lo = lo + add_lo;
  hi += (add < 0 ? ~uint64_t{0} : 0) + (sum_lo < lo ? 1 : 0);
  // Two's complement shifting is a floor; the low 64 bits are the result.
  return static_cast<int64_t>((sum_lo >> shift) | (hi << (64 - shift)));
#endif
}

int64_t sim_double_rounding(int64_t x, const SimMultiplier& m) {
  const int left = m.exponent > 0 ? m.exponent : 0;
  const int right = m.exponent > 0 ? 0 : -m.exponent;
  // floor((p + 2^30) / 2^31): an arithmetic shift is a floor.
  const int64_t high =
      floor_mul_add_shift(x * (int64_t{1} << left), m.multiplier, int64_t{1} << 30, 31);
  return sim_round_half_away(high, right);
}

int64_t sim_single_rounding(int64_t x, const SimMultiplier& m) {
  const int shift = 31 - m.exponent;
  return floor_mul_add_shift(x, m.multiplier, int64_t{1} << (shift - 1), shift);
}

int64_t sim_requantize(RequantProfile profile, int64_t x, double real, float fp32_scale) {
  switch (profile) {
    case RequantProfile::kTfliteReference:
    case RequantProfile::kTfliteOptimized:  // changes only CONV_2D, DEPTHWISE_CONV_2D, FC
      return sim_double_rounding(x, sim_quantize_multiplier(real, false));
    case RequantProfile::kSingleRounding:
      return sim_single_rounding(x, sim_quantize_multiplier(real, true));
    case RequantProfile::kXnnpackFp32:
      return static_cast<int64_t>(std::nearbyint(static_cast<float>(x) * fp32_scale));
  }
  return 0;
}

void sim_activation_range(Activation act, float scale, int32_t zp, int32_t* lo, int32_t* hi) {
  auto q = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  *lo = -128;
  *hi = 127;
  if (act == Activation::kRelu || act == Activation::kRelu6) *lo = std::max(-128, q(0.0f));
  if (act == Activation::kRelu6) *hi = std::min(127, q(6.0f));
  if (act == Activation::kReluN1To1) {
    *lo = std::max(-128, q(-1.0f));
    *hi = std::min(127, q(1.0f));
  }
}

const char* profile_tag(RequantProfile profile) {
  switch (profile) {
    case RequantProfile::kTfliteReference: return "tflite_reference";
    case RequantProfile::kSingleRounding: return "single_rounding";
    case RequantProfile::kXnnpackFp32: return "xnnpack_fp32";
    case RequantProfile::kTfliteOptimized: return "tflite_optimized";
  }
  return "?";
}

}  // namespace testing
}  // namespace lowbit
