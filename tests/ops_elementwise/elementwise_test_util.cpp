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

int64_t sim_double_rounding(int64_t x, const SimMultiplier& m) {
  const int left = m.exponent > 0 ? m.exponent : 0;
  const int right = m.exponent > 0 ? 0 : -m.exponent;
  const __int128 product = static_cast<__int128>(x * (int64_t{1} << left)) * m.multiplier;
  // floor((p + 2^30) / 2^31): an arithmetic shift is a floor.
  const int64_t high = static_cast<int64_t>((product + (int64_t{1} << 30)) >> 31);
  return sim_round_half_away(high, right);
}

int64_t sim_single_rounding(int64_t x, const SimMultiplier& m) {
  const int shift = 31 - m.exponent;
  const __int128 product = static_cast<__int128>(x) * m.multiplier;
  return static_cast<int64_t>((product + (static_cast<__int128>(1) << (shift - 1))) >> shift);
}

int64_t sim_requantize(RequantProfile profile, int64_t x, double real, float fp32_scale) {
  switch (profile) {
    case RequantProfile::kTfliteReference:
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
  }
  return "?";
}

}  // namespace testing
}  // namespace lowbit
