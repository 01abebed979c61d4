// The CAST families' tester (kernels/cast.h): every variant this CPU runs
// against the reference, bit for bit, at every length 0..70 and beyond, on
// the values where conversions go wrong: for float -> int32 NaN, infinities,
// signed zeros, subnormals, halves (truncated, never rounded) and the edges
// of int32's range; for int32 -> float the integers above 2^24 that round
// (ties to even) and int32's limits; every byte value for uint8 and int8.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/cast.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<float> edge_floats(std::mt19937& rng, size_t n) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float specials[] = {kInf,          -kInf,        std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::quiet_NaN(),
                            0.0f,          -0.0f,        std::numeric_limits<float>::denorm_min(),
                            -FLT_MIN,      0.5f,         -0.5f,
                            1.5f,          -2.5f,        0.99999994f,
                            0x1.0p31f,     -0x1.0p31f,   0x1.fffffep30f,
                            -0x1.fffffep30f,             0x1.000002p31f,
                            -0x1.000002p31f,             1e30f,
                            -1e30f,        FLT_MAX,      -FLT_MAX};
  constexpr size_t kSpecials = sizeof(specials) / sizeof(specials[0]);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (rng() % 3) {
      case 0: v[i] = specials[rng() % kSpecials]; break;
      case 1: v[i] = std::uniform_real_distribution<float>(-1000.0f, 1000.0f)(rng); break;
      default: v[i] = std::ldexp(std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng),
                                 static_cast<int>(rng() % 40));
    }
  }
  return v;
}

std::vector<int32_t> edge_int32s(std::mt19937& rng, size_t n) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  const int32_t specials[] = {0,          1,           -1,          kMax,      -kMax - 1,
                              kMax - 64,  -kMax + 63,  (1 << 24) + 1, -(1 << 24) - 1,
                              (1 << 25) + 2, (1 << 25) + 6, (1 << 25) + 3, -(1 << 25) - 2};
  constexpr size_t kSpecials = sizeof(specials) / sizeof(specials[0]);
  std::vector<int32_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i] = rng() % 2 ? specials[rng() % kSpecials] : static_cast<int32_t>(rng());
  }
  return v;
}

// Every length 0..70 (each remainder of 8 and 16 lanes, several times) and a
// long one, each input from make_input(rng, n).
template <typename In, typename Out, typename MakeInput>
void check_cast(const char* name, KernelFamily<ref::CastFn<In, Out>> family,
                MakeInput make_input) {
  for_each_variant(name, family, [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (int repeat = 0; repeat < 3; ++repeat) {
      for (size_t n = 0; n <= 70; ++n) {
        expect_unary_bits_match(row, reference, ref::CastParams{}, make_input(rng, n));
      }
    }
    expect_unary_bits_match(row, reference, ref::CastParams{}, make_input(rng, 4099));
  });
}

template <typename T>
std::vector<T> every_byte_then_random(std::mt19937& rng, size_t n) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i] = static_cast<T>(n >= 256 && i < 256 ? i : rng());
  }
  return v;
}

}  // namespace

TEST_CASE("cast variants: uint8 and int8 -> float32, every byte", "[kernels][cast]") {
  check_cast("u8_f32_cast", u8_f32_cast_variants(), every_byte_then_random<uint8_t>);
  check_cast("s8_f32_cast", s8_f32_cast_variants(), every_byte_then_random<int8_t>);
}

TEST_CASE("cast variants: int32 -> float32 rounds ties to even", "[kernels][cast]") {
  check_cast("s32_f32_cast", s32_f32_cast_variants(), edge_int32s);
}

TEST_CASE("cast variants: float32 -> int32 truncates, saturates, NaN to INT32_MAX",
          "[kernels][cast]") {
  check_cast("f32_s32_cast", f32_s32_cast_variants(), edge_floats);
  // The reference's own answers on the edges the variants must reproduce.
  const float x[] = {std::numeric_limits<float>::quiet_NaN(), 0x1.0p31f, -0x1.0p32f, -2.7f, 2.7f};
  int32_t out[5];
  ref::f32_s32_cast__reference(ref::CastParams{}, 5, x, out);
  CHECK(out[0] == std::numeric_limits<int32_t>::max());
  CHECK(out[1] == std::numeric_limits<int32_t>::max());
  CHECK(out[2] == std::numeric_limits<int32_t>::min());
  CHECK(out[3] == -2);
  CHECK(out[4] == 2);
}
