#include <catch2/catch.hpp>

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
