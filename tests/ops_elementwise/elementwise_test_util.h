// Shared pieces of the int8 elementwise operator tests: single-operator
// models run end to end, and an independent integer simulation of TFLite's
// requantization written from the published formulas (not from kernels/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {

struct Operand {
  DType dtype = DType::kInt8;
  Shape shape;
  Quantization quant;
  // Non-empty: a constant with these bytes instead of a graph input.
  Bytes constant;
};

inline Operand int8_operand(Shape shape, float scale, int32_t zero_point) {
  return Operand{DType::kInt8, shape, per_tensor(scale, zero_point), {}};
}
inline Operand float_operand(Shape shape) { return Operand{DType::kFloat32, shape, {}, {}}; }

// One operator whose non-constant inputs are the graph inputs, in order.
void build_single_op(ModelBuilder& builder, OpType type, const std::vector<Operand>& inputs,
                     const Operand& output, OpOptions options = {});

RunResult run_single_op(OpType type, const std::vector<Operand>& inputs, const Operand& output,
                        OpOptions options, const std::vector<Bytes>& data,
                        RequantProfile profile = RequantProfile::kTfliteReference,
                        int num_threads = 1);

// ---- Simulation of the three requantization profiles ----

struct SimMultiplier {
  int64_t multiplier = 0;  // Q31
  int exponent = 0;
};

// QuantizeMultiplier: m = q * 2^e, q in [0.5, 1), M = round(q * 2^31) ties away.
SimMultiplier sim_quantize_multiplier(double real, bool single_rounding_limits);

// floor(v / 2^shift) rounded half away from zero.
int64_t sim_round_half_away(int64_t v, int shift);

// TFLite double rounding: (x * 2^l * M + 2^30) >> 31 (gemmlowp's high
// multiply rounds half up), then divide by 2^r rounding half away from zero.
int64_t sim_double_rounding(int64_t x, const SimMultiplier& m);

// Single rounding: (x * M + 2^(30 - e)) >> (31 - e).
int64_t sim_single_rounding(int64_t x, const SimMultiplier& m);

// Rescales x by `real` (fixed-point profiles) or by `fp32_scale` (xnnpack_fp32:
// float product, round half to even).
int64_t sim_requantize(RequantProfile profile, int64_t x, double real, float fp32_scale);

inline int32_t clamp_i32(int64_t v, int32_t lo, int32_t hi) {
  return static_cast<int32_t>(v < lo ? lo : (v > hi ? hi : v));
}

// int8 clamp range of a fused activation: zp + round(f / scale) in float.
void sim_activation_range(Activation act, float scale, int32_t zp, int32_t* lo, int32_t* hi);

const char* profile_tag(RequantProfile profile);

constexpr RequantProfile kAllProfiles[] = {RequantProfile::kTfliteReference,
                                           RequantProfile::kSingleRounding,
                                           RequantProfile::kXnnpackFp32,
                                           RequantProfile::kTfliteOptimized};

}  // namespace testing
}  // namespace lowbit
