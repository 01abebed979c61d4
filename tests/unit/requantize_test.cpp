#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "kernels/reference/requantize.h"
#include "lowbit/interpreter.h"

using namespace lowbit;

TEST_CASE("quantize_multiplier splits into Q31 and exponent", "[requant]") {
  auto qm = ref::quantize_multiplier(0.5);
  CHECK(qm.multiplier == (1 << 30));
  CHECK(qm.shift == 0);
  qm = ref::quantize_multiplier(1.0);
  CHECK(qm.multiplier == (1 << 30));
  CHECK(qm.shift == 1);
  qm = ref::quantize_multiplier(1e-12);
  CHECK(qm.multiplier == 0);
}

TEST_CASE("double rounding rounds half away from zero", "[requant]") {
  // 0.25 * 6 = 1.5 -> 2 and -1.5 -> -2 (the tie lands in the final shift).
  auto qm = ref::quantize_multiplier(0.25);
  REQUIRE(qm.shift == -1);
  CHECK(ref::multiply_by_quantized_multiplier(6, qm.multiplier, qm.shift) == 2);
  CHECK(ref::multiply_by_quantized_multiplier(-6, qm.multiplier, qm.shift) == -2);
  // Single rounding rounds half up: -1.5 -> -1.
  CHECK(ref::multiply_by_quantized_multiplier_single_round(-6, qm.multiplier, qm.shift) == -1);
  CHECK(ref::multiply_by_quantized_multiplier_single_round(6, qm.multiplier, qm.shift) == 2);
}

TEST_CASE("xnnpack_fp32 rounds half to even", "[requant]") {
  ref::Requantizer r = ref::make_requantizer(RequantProfile::kXnnpackFp32, 0.5, 0.5f);
  CHECK(ref::requantize(5, r, RequantProfile::kXnnpackFp32) == 2);
  CHECK(ref::requantize(7, r, RequantProfile::kXnnpackFp32) == 4);
  CHECK(ref::requantize(-5, r, RequantProfile::kXnnpackFp32) == -2);
}

TEST_CASE("tflite_optimized rounds the final shift half up", "[requant]") {
  auto qm = ref::quantize_multiplier(0.25);
  REQUIRE(qm.shift == -1);
  // -6 * 0.25 = -1.5: the high multiply gives -3 exactly, the shift rounds the
  // tie up to -1 (tflite_reference: -2, away from zero).
  CHECK(ref::multiply_by_quantized_multiplier_half_up(-6, qm.multiplier, qm.shift) == -1);
  CHECK(ref::multiply_by_quantized_multiplier_half_up(6, qm.multiplier, qm.shift) == 2);
  // -7 * 0.25 = -1.75: the high multiply rounds -3.5 up to -3, then -1.5 -> -1
  // (double rounding, as LCE's builtin convolutions do).
  CHECK(ref::multiply_by_quantized_multiplier_half_up(-7, qm.multiplier, qm.shift) == -1);
  CHECK(ref::multiply_by_quantized_multiplier(-7, qm.multiplier, qm.shift) == -2);
  ref::Requantizer r = ref::make_requantizer(RequantProfile::kTfliteOptimized, 0.25, 0.25f);
  CHECK(ref::requantize(-10, r, RequantProfile::kTfliteOptimized) == -2);
  CHECK(ref::requantize(-10, r, RequantProfile::kTfliteReference) == -3);
  // Multipliers above 1 shift left first; no rounding shift is left then.
  qm = ref::quantize_multiplier(3.0);
  REQUIRE(qm.shift == 2);
  CHECK(ref::multiply_by_quantized_multiplier_half_up(-5, qm.multiplier, qm.shift) == -15);
  // An accumulator that overflows the left shift saturates first, as in
  // tflite_reference: 2^31 - 1 times 0.75 -> 3 * 2^29 - 1.
  CHECK(ref::multiply_by_quantized_multiplier_half_up(1 << 30, qm.multiplier, qm.shift) ==
        3 * (1 << 29) - 1);
  CHECK(ref::multiply_by_quantized_multiplier(1 << 30, qm.multiplier, qm.shift) == 3 * (1 << 29) - 1);
}

TEST_CASE("rounding_shift_right_half_up against floor(x / 2^e + 1/2)", "[requant]") {
  for (int e = 1; e <= 31; ++e) {
    for (int64_t x : {int64_t{INT32_MIN}, int64_t{INT32_MIN} + 1, int64_t{-3}, int64_t{-2},
                      int64_t{-1}, int64_t{0}, int64_t{1}, int64_t{2}, int64_t{3},
                      int64_t{INT32_MAX} - 1, int64_t{INT32_MAX}, -(int64_t{1} << (e - 1)),
                      (int64_t{1} << (e - 1)), -(int64_t{3} << (e - 1))}) {
      if (x < INT32_MIN || x > INT32_MAX) continue;
      const int64_t d = int64_t{1} << e;
      const int64_t shifted = x + d / 2;
      const int64_t expected = shifted >= 0 ? shifted / d : -((-shifted + d - 1) / d);
      INFO("x " << x << " e " << e);
      CHECK(ref::rounding_shift_right_half_up(static_cast<int32_t>(x), e) == expected);
    }
  }
  CHECK(ref::rounding_shift_right_half_up(INT32_MIN, 40) == 0);
  CHECK(ref::rounding_shift_right_half_up(-5, 0) == -5);
}

TEST_CASE("tflite_optimized changes only CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED",
          "[requant]") {
  RequantProfile parsed = RequantProfile::kTfliteReference;
  REQUIRE(parse_requant_profile("tflite_optimized", &parsed));
  CHECK(parsed == RequantProfile::kTfliteOptimized);
  CHECK(std::string(requant_profile_name(RequantProfile::kTfliteOptimized)) == "tflite_optimized");
  for (int t = 0; t < kNumOpTypes; ++t) {
    const OpType type = static_cast<OpType>(t);
    const bool conv = type == OpType::kConv2D || type == OpType::kDepthwiseConv2D ||
                      type == OpType::kFullyConnected;
    INFO(op_type_name(type));
    CHECK(operator_requant_profile(RequantProfile::kTfliteOptimized, type) ==
          (conv ? RequantProfile::kTfliteOptimized : RequantProfile::kTfliteReference));
    CHECK(operator_requant_profile(RequantProfile::kSingleRounding, type) ==
          RequantProfile::kSingleRounding);
  }
  CHECK(ref::simd_kernels_support(RequantProfile::kTfliteOptimized));
  CHECK(ref::simd_kernels_support(RequantProfile::kTfliteReference));
}
