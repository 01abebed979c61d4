// Kernel-level tests of kernels/reference/bin_*: hand-computed cases and random
// geometries against the ±1 simulation in binary_sim.h.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "binary_sim.h"
#include "random_sweep.h"
#include "kernels/reference/bin_conv2d.h"
#include "kernels/reference/bin_maxpool2d.h"
#include "kernels/reference/bin_pack.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

// Float output with multiplier 1, bias 0 and no activation: y equals the ±1
// convolution value s exactly (small integers are exact in float).
std::vector<float> conv_values_via_kernel(const ConvSpec& c, const Signs& input,
                                          const Signs& filter, size_t splits) {
  ref::BinConv2DParams p = bin_conv2d_params(c);
  const std::vector<uint32_t> packed_in = pack_signs(input, c.cin);
  const std::vector<uint32_t> packed_w = pack_signs(filter, c.group_channels());
  std::vector<int32_t> popcounts(size_t(c.cout) * c.kh * c.kw);
  ref::bin_tap_popcounts(packed_w.data(), c.cout, c.kh * c.kw, c.group_channels(),
                         popcounts.data());
  p.tap_popcounts = popcounts.data();
  std::vector<float> ones(c.cout, 1.0f), zeros(c.cout, 0.0f), fm(c.cout), fb(c.cout);
  REQUIRE(ref::fold_bin_output_transform(ones.data(), zeros.data(), c.cout, c.k(), 1.0, 0.0,
                                         INT32_MIN, INT32_MAX, fm.data(), fb.data(),
                                         &p.transform.clamp_min, &p.transform.clamp_max));
  p.transform.mode = ref::BinOutputMode::kFloat32;
  p.transform.multiplier = fm.data();
  p.transform.bias = fb.data();
  const size_t pixels = ref::bin_conv2d_pixels(p);
  std::vector<float> out(pixels * c.cout, std::numeric_limits<float>::quiet_NaN());
  for (size_t s = 0; s < splits; ++s) {
    ref::bin_conv2d(p, packed_in.data(), packed_w.data(), out.data(), s * pixels / splits,
                    (s + 1) * pixels / splits);
  }
  return out;
}

TEST_CASE("bin_conv2d kernel: hand-computed 1x1 value", "[bin_conv2d][kernel]") {
  // x = (+1, -1, -1), w = (+1, +1, -1): s = 1 - 1 + 1 = 1.
  ConvSpec c;
  c.cin = 3;
  const std::vector<float> y = conv_values_via_kernel(c, {1, -1, -1}, {1, 1, -1}, 1);
  REQUIRE(y.size() == 1);
  CHECK(y[0] == 1.0f);
}

TEST_CASE("bin_conv2d kernel: SAME padding with +1 and with 0", "[bin_conv2d][kernel]") {
  // A 1x1 image of +1 under a 3x3 filter of -1: one-padding sees nine taps
  // (s = -9), zero-padding only the centre (s = -1).
  ConvSpec c;
  c.kh = c.kw = 3;
  c.same = true;
  const Signs input = {1}, filter(9, -1);
  c.pad_values = 1;
  CHECK(conv_values_via_kernel(c, input, filter, 1) == std::vector<float>{-9.0f});
  c.pad_values = 0;
  CHECK(conv_values_via_kernel(c, input, filter, 1) == std::vector<float>{-1.0f});
}

TEST_CASE("bin_conv2d kernel: random geometries match the simulation", "[bin_conv2d][kernel]") {
  random_sweep(150, [&](int it, std::mt19937& rng, const ValuePicker& pick) {
    ConvSpec c;
    c.groups = pick({1, 1, 1, 2, 3});
    c.cin = c.groups == 1 ? pick({1, 2, 31, 32, 33, 65, 100}) : c.groups * pick({32, 64});
    c.cout = c.groups * pick({1, 2, 3, 5});
    c.n = pick({1, 2});
    c.h = pick({1, 3, 5, 7});
    c.w = pick({1, 2, 4, 6});
    c.kh = pick({1, 2, 3});
    c.kw = pick({1, 3});
    c.stride_h = pick({1, 2});
    c.stride_w = pick({1, 2});
    c.dilation_h = pick({1, 2});
    c.dilation_w = pick({1, 2});
    c.same = pick({0, 1}) == 1;
    c.pad_values = pick({0, 1});
    if (!c.same && !c.fits_valid()) {
      c.same = true;
    }
    CAPTURE(it, c.n, c.h, c.w, c.cin, c.cout, c.kh, c.kw, c.groups, c.stride_h, c.stride_w,
            c.dilation_h, c.dilation_w, c.same, c.pad_values);
    const Signs input = random_signs(rng, size_t(c.n) * c.h * c.w * c.cin);
    const Signs filter = random_signs(rng, size_t(c.cout) * c.kh * c.kw * c.group_channels());
    const std::vector<int32_t> expected = simulate_conv(c, input, filter);
    const std::vector<float> whole = conv_values_via_kernel(c, input, filter, 1);
    REQUIRE(whole.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(i);
      REQUIRE(whole[i] == float(expected[i]));
    }
    // Any split of the pixel range (as threads do) writes the same values.
    CHECK(conv_values_via_kernel(c, input, filter, 3) == whole);
  });
}

TEST_CASE("bin_conv2d kernel: pad bits of the input are ignored", "[bin_conv2d][kernel]") {
  ConvSpec c;
  c.cin = 5;
  c.cout = 2;
  const Signs input = {1, -1, 1, 1, -1}, filter = {1, 1, 1, -1, -1, -1, -1, 1, 1, 1};
  ref::BinConv2DParams p = bin_conv2d_params(c);
  std::vector<uint32_t> packed_in = pack_signs(input, 5);
  packed_in[0] |= 0xFFFFFFE0u;  // garbage beyond channel 5
  const std::vector<uint32_t> packed_w = pack_signs(filter, 5);
  const int32_t thresholds[2] = {1, 1};
  p.transform.mode = ref::BinOutputMode::kBit;
  p.transform.threshold = thresholds;
  uint32_t out = 0xDEADBEEF;
  ref::bin_conv2d(p, packed_in.data(), packed_w.data(), &out, 0, 1);
  // Channel 0: s = 1-1+1-1+1 = 1, popcount (5 - s)/2 = 2 > 1 -> bit 1.
  // Channel 1: s = -1+1+1+1-1 = 1 -> bit 1. No pad bits set.
  CHECK(out == 0x3u);
}

TEST_CASE("bin output transform: folding matches LCE's definition", "[bin_conv2d][kernel]") {
  const float mul[3] = {0.5f, -1.25f, 3.0f}, bias[3] = {0.1f, 2.0f, -7.5f};
  float fm[3], fb[3];
  int32_t cmin, cmax;
  const int k = 18;
  // RELU6 on s: s in [0, 6] <=> D = K - s in [12, 18].
  REQUIRE(ref::fold_bin_output_transform(mul, bias, 3, k, 0.05, -3.0, 0, 6, fm, fb, &cmin, &cmax));
  CHECK(cmin == 12);
  CHECK(cmax == 18);
  for (int c = 0; c < 3; ++c) {
    for (int s = -k; s <= k; s += 2) {
      CAPTURE(c, s);
      const int32_t clamped = clamp_conv_value(s, 2);
      const int8_t q = ref::bin_transform_int8(k - s, fm[c], fb[c], cmin, cmax);
      CHECK(q == lce_int8_output(clamped, k, mul[c], bias[c], 0.05f, -3));
      // Within one step of the exact real-number result.
      const double exact = std::round((clamped * double(mul[c]) + bias[c]) / 0.05 - 3.0);
      CHECK(std::abs(q - std::max(-128.0, std::min(127.0, exact))) <= 1.0);
    }
  }
  // A tiny output scale overflows float: reported, not silently inf.
  CHECK_FALSE(ref::fold_bin_output_transform(mul, bias, 3, k, 1e-40, 0.0, INT32_MIN, INT32_MAX,
                                             fm, fb, &cmin, &cmax));
}

TEST_CASE("bin_transform_int8 rounds half away from zero and saturates", "[bin_conv2d][kernel]") {
  // y = D * m + b with m = 1: D + b.
  CHECK(ref::bin_transform_int8(2, 1.0f, 0.5f, INT32_MIN, INT32_MAX) == 3);    // 2.5 -> 3
  CHECK(ref::bin_transform_int8(-3, 1.0f, 0.5f, INT32_MIN, INT32_MAX) == -3);  // -2.5 -> -3
  CHECK(ref::bin_transform_int8(200, 1.0f, 0.0f, INT32_MIN, INT32_MAX) == 127);
  CHECK(ref::bin_transform_int8(-200, 1.0f, 0.0f, INT32_MIN, INT32_MAX) == -128);
  CHECK(ref::bin_transform_int8(1, std::numeric_limits<float>::max(), 0.0f, INT32_MIN,
                                INT32_MAX) == 127);
}

TEST_CASE("bin_pack / bin_unpack kernels: hand-computed and round trip", "[bitpack][unpack][kernel]") {
  const float values[3] = {-0.5f, 0.0f, -0.0f};
  uint32_t word = 0xFFFFFFFF;
  ref::bin_pack_f32__reference(values, 3, &word, 0, 1);
  CHECK(word == 0x1u);  // only -0.5 is negative; -0.0 is not
  const int8_t q[4] = {-5, 3, 2, 127};
  ref::bin_pack_qs8__reference(q, 4, 3, &word, 0, 1);  // zero point 3: -5 and 2 are negative
  CHECK(word == 0x5u);

  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (size_t channels : {1u, 31u, 32u, 33u, 65u}) {
    CAPTURE(channels);
    const size_t rows = 7;
    const Signs s = random_signs(rng, rows * channels);
    std::vector<float> f(s.begin(), s.end());
    std::vector<uint32_t> packed((channels + 31) / 32 * rows, 0xFFFFFFFFu);
    ref::bin_pack_f32__reference(f.data(), channels, packed.data(), 0, 3);
    ref::bin_pack_f32__reference(f.data(), channels, packed.data(), 3, rows);
    CHECK(packed == pack_signs(s, channels));
    std::vector<float> back(rows * channels, 0.0f);
    ref::bin_unpack_f32__reference(packed.data(), channels, back.data(), 0, rows);
    CHECK(back == f);
    std::vector<int8_t> back8(rows * channels, 0);
    ref::bin_unpack_qs8__reference(packed.data(), channels, 10, -20, back8.data(), 0, rows);
    for (size_t i = 0; i < back8.size(); ++i) CHECK(back8[i] == (s[i] > 0 ? 10 : -20));
  }
}

TEST_CASE("bin_unpack_qs8_values follows LceDequantize", "[unpack][kernel]") {
  int8_t plus, minus;
  ref::bin_unpack_qs8_values(1.0f / 64, 0, &plus, &minus);
  CHECK(plus == 64);
  CHECK(minus == -64);
  ref::bin_unpack_qs8_values(0.4f, 1, &plus, &minus);  // 1/0.4 = 2.5 -> 3 (ties away)
  CHECK(plus == 4);
  CHECK(minus == -2);
  ref::bin_unpack_qs8_values(1.0f / 100, 50, &plus, &minus);  // saturates at 127
  CHECK(plus == 127);
  CHECK(minus == -50);
  ref::bin_unpack_qs8_values(1e-30f, -3, &plus, &minus);  // huge offset, no overflow
  CHECK(plus == 127);
  CHECK(minus == -128);
}

TEST_CASE("bin_maxpool2d kernel: AND over valid taps", "[bmaxpool2d][kernel]") {
  // 2x2 image, 1 channel: bits (row-major) 1,1,0,1 ; 2x2 SAME window stride 1.
  ref::BinMaxPool2DParams p;
  p.input_h = p.input_w = 2;
  p.channels = 1;
  p.output_h = p.output_w = 2;
  p.filter_h = p.filter_w = 2;
  const uint32_t in[4] = {1, 1, 0, 1};
  uint32_t out[4] = {9, 9, 9, 9};
  ref::bin_maxpool2d__reference(p, in, out, 0, 4);
  // (0,0): taps all four -> 0; (0,1): taps (0,1),(1,1) -> 1; (1,0): (1,0),(1,1) -> 0; (1,1) -> 1.
  CHECK(out[0] == 0u);
  CHECK(out[1] == 1u);
  CHECK(out[2] == 0u);
  CHECK(out[3] == 1u);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
