// How int8 results are rescaled. A header of its own, with no dependencies,
// so the numeric core (kernels/) can name a profile without the interpreter.
#pragma once

#include <cstdint>

namespace lowbit {

// See docs and ../shared/NUMERICS.md.
enum class RequantProfile : uint8_t {
  // LiteRT's reference kernels (as TFLite Micro, except FULLY_CONNECTED, which
  // rescales in double): doubling high multiply, then a shift rounding half
  // away from zero.
  kTfliteReference = 0,
  kSingleRounding = 1,  // TFLite's TFLITE_SINGLE_ROUNDING build: one 64-bit rounding
  kXnnpackFp32 = 2,     // float scale, round half to even
  // TFLite's optimized kernels on x86-64, as Larq Compute Engine's interpreter
  // runs them: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED use the doubling
  // high multiply, then a shift rounding half up (ARM SRSHL); every other
  // operator behaves as under kTfliteReference. The SIMD GEMM and depthwise
  // kernels implement it, bit-exact with the reference.
  kTfliteOptimized = 3,
};

// The profile an operator runs under: tflite_optimized changes only CONV_2D,
// DEPTHWISE_CONV_2D and FULLY_CONNECTED (schema/lowbit.fbs OpType 0, 1, 2);
// every other operator behaves as under tflite_reference. One rule for the
// hosted runtime (operator_requant_profile) and lowbit micro.
constexpr RequantProfile requant_profile_for_op_type(RequantProfile profile, uint8_t op_type) {
  return profile != RequantProfile::kTfliteOptimized || op_type <= 2
             ? profile
             : RequantProfile::kTfliteReference;
}

// The profiles a build's kernels hold code for: every one, except in a
// firmware built with LOWBIT_FIRMWARE_PROFILE (a RequantProfile value,
// cmake/LowbitFirmware.cmake), which keeps that profile's and its partner's
// (tflite_reference and tflite_optimized share operators and clamp into each
// other, ref::clamped_profile). Kernels dispatch on built_profile(p), so the
// compiler sees the other cases are unreachable and drops their code;
// lowbit micro refuses every other profile at create.
constexpr bool profile_is_built(RequantProfile p) {
#if defined(LOWBIT_FIRMWARE_PROFILE)
  constexpr RequantProfile fixed = static_cast<RequantProfile>(LOWBIT_FIRMWARE_PROFILE);
  if (fixed == RequantProfile::kTfliteReference || fixed == RequantProfile::kTfliteOptimized) {
    return p == RequantProfile::kTfliteReference || p == RequantProfile::kTfliteOptimized;
  }
  return p == fixed;
#else
  (void)p;
  return true;
#endif
}

constexpr RequantProfile built_profile(RequantProfile p) {
#if defined(LOWBIT_FIRMWARE_PROFILE)
  constexpr RequantProfile fixed = static_cast<RequantProfile>(LOWBIT_FIRMWARE_PROFILE);
  if (fixed == RequantProfile::kTfliteReference || fixed == RequantProfile::kTfliteOptimized) {
    return p == RequantProfile::kTfliteOptimized ? RequantProfile::kTfliteOptimized
                                                 : RequantProfile::kTfliteReference;
  }
  return fixed;
#else
  return p;
#endif
}

}  // namespace lowbit
