// rescale_in_double (LiteRT's reference FULLY_CONNECTED rescale) and the search
// for single-rounding multipliers that reproduce it in the SIMD GEMMs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "kernels/reference/requantize.h"

using namespace lowbit;

namespace {

int32_t clamp(int64_t v, int32_t lo, int32_t hi) {
  return int32_t(v < lo ? lo : (v > hi ? hi : v));
}

// Every accumulator whose double rescale lands within the output range (plus
// a margin of 3 steps each side) must give the same clamped output.
int64_t count_disagreements(double scale, ref::QuantizedMultiplier qm, int32_t zp, int32_t lo,
                            int32_t hi) {
  const double first = std::floor((lo - zp - 3) / scale), last = std::ceil((hi - zp + 3) / scale);
  int64_t wrong = 0;
  for (int64_t acc = int64_t(std::fmax(first, INT32_MIN)); acc <= int64_t(std::fmin(last, INT32_MAX));
       ++acc) {
    const int32_t expected = clamp(int64_t(ref::rescale_in_double(int32_t(acc), scale)) + zp, lo, hi);
    const int32_t got = clamp(
        int64_t(ref::multiply_by_quantized_multiplier_single_round(int32_t(acc), qm.multiplier, qm.shift)) + zp,
        lo, hi);
    wrong += expected != got;
  }
  return wrong;
}

}  // namespace

TEST_CASE("rescale_in_double rounds half away from zero and saturates", "[requant][fc]") {
  CHECK(ref::rescale_in_double(3, 0.5) == 2);
  CHECK(ref::rescale_in_double(-3, 0.5) == -2);
  CHECK(ref::rescale_in_double(-1, 0.5) == -1);
  CHECK(ref::rescale_in_double(5, 0.1) == 1);  // 0.5000000000000000277 in double
  CHECK(ref::rescale_in_double(67990, 0.0025959673) == 176);  // 176.4998: Micro's rule gives 177
  CHECK(ref::rescale_in_double(INT32_MAX, 4.0) == INT32_MAX);
  CHECK(ref::rescale_in_double(INT32_MIN, 4.0) == INT32_MIN);
}

TEST_CASE("single-rounding equivalents reproduce the double rescale on every accumulator",
          "[requant][fc]") {
  std::mt19937 rng(20261126);
  int found = 0, negative_ties = 0, negative_ties_nudged = 0;
  for (int iter = 0; iter < 300; ++iter) {
    double scale;
    switch (iter % 3) {
      case 0: scale = std::ldexp(1.0, -int(rng() % 12) - 2); break;  // exact ties
      case 1: scale = std::uniform_real_distribution<double>(2e-4, 2e-2)(rng); break;
      default: scale = std::uniform_real_distribution<double>(0.05, 3.0)(rng); break;
    }
    const int32_t zp = int32_t(rng() % 256) - 128;
    const int32_t lo = -128 + int32_t(rng() % 2) * (zp + 128);  // RELU-like floor at zp
    const int32_t hi = 127;
    CAPTURE(iter, scale, zp, lo);
    ref::QuantizedMultiplier qm;
    const bool ok = ref::find_single_rounding_equivalent(scale, zp, lo, hi, &qm);
    if (!ok) continue;  // allowed (the operator then keeps the reference kernel), counted below
    ++found;
    // An exact power-of-two scale makes ties; where negative results reach
    // the output (lo < zp), half-up single rounding needs a nudged multiplier.
    if (iter % 3 == 0 && lo < zp) {
      ++negative_ties;
      negative_ties_nudged += qm.multiplier != ref::quantize_multiplier(scale, true).multiplier;
    }
    REQUIRE(count_disagreements(scale, qm, zp, lo, hi) == 0);
  }
  CHECK(found >= 295);  // nearly every scale has an equivalent
  CHECK(negative_ties >= 30);
  CHECK(negative_ties_nudged == negative_ties);
}

TEST_CASE("the nearest single-rounding multiplier alone is not always equal", "[requant][fc]") {
  // acc * scale a few ulps below 100.5: when the Q31 grid point nearest the
  // scale lies above 100.5 / acc, single rounding with it gives 101 where the
  // double rescale gives 100, and the search must step the multiplier down.
  int nearest_wrong = 0;
  for (int32_t acc = 1000003; acc < 1000203 && nearest_wrong == 0; ++acc) {
    double scale = 100.5 / acc;
    for (int ulp = 0; ulp < 4; ++ulp) scale = std::nextafter(scale, 0.0);
    const ref::QuantizedMultiplier nearest = ref::quantize_multiplier(scale, true);
    if (ref::multiply_by_quantized_multiplier_single_round(acc, nearest.multiplier, nearest.shift) ==
        ref::rescale_in_double(acc, scale)) {
      continue;
    }
    ++nearest_wrong;
    CAPTURE(acc, scale);
    ref::QuantizedMultiplier qm;
    REQUIRE(ref::find_single_rounding_equivalent(scale, 0, -128, 127, &qm));
    CHECK(qm.multiplier != nearest.multiplier);
    CHECK(count_disagreements(scale, qm, 0, -128, 127) == 0);
  }
  CHECK(nearest_wrong == 1);
}

TEST_CASE("single-rounding equivalents hold for uint8 output ranges and narrow clamps",
          "[requant][fc]") {
  // Legacy uint8 FULLY_CONNECTED clamps to [0, 255] around zero points 0..255;
  // fused RELU6-style clamps leave a few output values. The search finds the
  // double rescale's thresholds once for all candidates, so every range shape
  // must still be checked against the accumulators themselves.
  std::mt19937 rng(20261207);
  int found = 0;
  for (int iter = 0; iter < 60; ++iter) {
    const double scale = iter % 2 == 0 ? std::ldexp(1.0, -int(rng() % 10) - 2)
                                       : std::uniform_real_distribution<double>(4e-4, 0.5)(rng);
    int32_t zp, lo, hi;
    if (iter % 3 == 2) {  // narrow: a handful of int8 values
      zp = int32_t(rng() % 256) - 128;
      lo = std::max(-128, zp - int32_t(rng() % 4));
      hi = std::min(127, lo + int32_t(rng() % 7));
    } else {
      zp = int32_t(rng() % 256);
      lo = int32_t(rng() % 2) * zp;  // RELU-like floor at the zero point
      hi = 255;
    }
    CAPTURE(iter, scale, zp, lo, hi);
    ref::QuantizedMultiplier qm;
    if (!ref::find_single_rounding_equivalent(scale, zp, lo, hi, &qm)) continue;
    ++found;
    REQUIRE(count_disagreements(scale, qm, zp, lo, hi) == 0);
  }
  CHECK(found >= 57);
}

TEST_CASE("the search steps the multiplier up when the nearest crosses a half too late",
          "[requant][fc]") {
  // The mirror of the case above: acc * scale a few ulps above 100.5, the Q31
  // grid point nearest the scale below 100.5 / acc, so single rounding with it
  // gives 100 where the double rescale gives 101. A RELU floor at the zero
  // point leaves only this side: the negative mirror image, which would also
  // reject the nearest multiplier, is clamped away.
  int nearest_wrong = 0;
  for (int32_t acc = 1000003; acc < 1000403 && nearest_wrong == 0; ++acc) {
    double scale = 100.5 / acc;
    for (int ulp = 0; ulp < 4; ++ulp) scale = std::nextafter(scale, 1.0);
    const ref::QuantizedMultiplier nearest = ref::quantize_multiplier(scale, true);
    if (ref::multiply_by_quantized_multiplier_single_round(acc, nearest.multiplier, nearest.shift) ==
        ref::rescale_in_double(acc, scale)) {
      continue;
    }
    ++nearest_wrong;
    CAPTURE(acc, scale);
    ref::QuantizedMultiplier qm;
    REQUIRE(ref::find_single_rounding_equivalent(scale, 0, 0, 127, &qm));
    CHECK(qm.multiplier > nearest.multiplier);
    CHECK(count_disagreements(scale, qm, 0, 0, 127) == 0);
  }
  CHECK(nearest_wrong == 1);
}
