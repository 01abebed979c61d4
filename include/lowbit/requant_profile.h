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

}  // namespace lowbit
