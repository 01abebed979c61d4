// End-to-end binary graphs through the public path (serialize, load with full
// verification, prepare, invoke) via tests/support/model_runner.h.
#include <catch2/catch.hpp>

#include "binary_sim.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

BConv2DOptions same_3x3(int pad_values, Activation activation = Activation::kNone) {
  BConv2DOptions o;
  o.padding = Padding::kSame;
  o.pad_values = pad_values;
  o.activation = activation;
  return o;
}

TEST_CASE("end to end: BITPACK -> BCONV2D bit output -> BCONV2D float output",
          "[e2e][bitpack][bconv2d]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  ConvSpec c1;  // 5x6 image, 40 -> 33 channels, +1 padding
  c1.h = 5;
  c1.w = 6;
  c1.cin = 40;
  c1.cout = 33;
  c1.kh = c1.kw = 3;
  c1.same = true;
  c1.pad_values = 1;
  ConvSpec c2 = c1;  // 33 -> 7 channels, stride 2, zero padding
  c2.cin = 33;
  c2.cout = 7;
  c2.stride_h = c2.stride_w = 2;
  c2.pad_values = 0;

  const std::vector<float> x = random_floats(rng, size_t(c1.h) * c1.w * c1.cin, -1.0f, 1.0f);
  const Signs w1 = random_signs(rng, size_t(c1.cout) * 9 * c1.cin);
  const Signs w2 = random_signs(rng, size_t(c2.cout) * 9 * c2.cin);
  const std::vector<int32_t> thr = random_ints<int32_t>(rng, c1.cout, c1.k() / 2 - 20, c1.k() / 2 + 20);
  const std::vector<float> mul = random_floats(rng, c2.cout, -1.0f, 1.0f);
  const std::vector<float> bias = random_floats(rng, c2.cout, -3.0f, 3.0f);

  ModelBuilder b;
  const int in = b.add_tensor("image", DType::kFloat32, Shape{1, c1.h, c1.w, c1.cin});
  const int packed = b.add_tensor("packed", DType::kBit, Shape{1, c1.h, c1.w, c1.cin});
  const int wt1 = b.add_constant("w1", DType::kBit, Shape{c1.cout, 3, 3, c1.cin}, pack_signs(w1, c1.cin));
  const int th1 = b.add_constant("thr1", DType::kInt32, Shape{c1.cout}, thr);
  const int mid = b.add_tensor("mid", DType::kBit, Shape{1, c1.h, c1.w, c1.cout});
  const int wt2 = b.add_constant("w2", DType::kBit, Shape{c2.cout, 3, 3, c2.cin}, pack_signs(w2, c2.cin));
  const int m2 = b.add_constant("mul2", DType::kFloat32, Shape{c2.cout}, mul);
  const int b2 = b.add_constant("bias2", DType::kFloat32, Shape{c2.cout}, bias);
  const int out = b.add_tensor("out", DType::kFloat32, Shape{1, c2.out_h(), c2.out_w(), c2.cout});
  b.add_operator(OpType::kBitpack, {in}, {packed}, {}, "pack");
  b.add_operator(OpType::kBConv2D, {packed, wt1, kAbsentInput, kAbsentInput, th1}, {mid},
                 same_3x3(1), "bconv_bits");
  BConv2DOptions o2 = same_3x3(0, Activation::kRelu);
  o2.stride_h = o2.stride_w = 2;
  b.add_operator(OpType::kBConv2D, {mid, wt2, m2, b2}, {out}, o2, "bconv_float");
  b.set_inputs({in});
  b.set_outputs({out});

  // Expected: signs of the image, first conv thresholded, second conv.
  Signs xs(x.size());
  for (size_t i = 0; i < x.size(); ++i) xs[i] = x[i] < 0 ? -1 : 1;
  const std::vector<int32_t> s1 = simulate_conv(c1, xs, w1);
  Signs mid_signs(s1.size());
  for (size_t i = 0; i < s1.size(); ++i) {
    mid_signs[i] = (c1.k() - s1[i]) > 2 * thr[i % c1.cout] ? -1 : 1;
  }
  const std::vector<int32_t> s2 = simulate_conv(c2, mid_signs, w2);
  std::vector<float> expected(s2.size());
  for (size_t i = 0; i < s2.size(); ++i) {
    const size_t ch = i % c2.cout;
    expected[i] = lce_float_output(clamp_conv_value(s2[i], 1), c2.k(), mul[ch], bias[ch]);
  }

  std::vector<Bytes> first;
  for (int threads : {1, 2, 4}) {
   for (const char* kernel_set : {"reference", "auto"}) {
    CAPTURE(threads, kernel_set);
    InterpreterOptions options;
    options.num_threads = threads;
    options.kernel = kernel_set;
    const RunResult r = run_model(b, {to_bytes(x)}, options);
    INFO(r.status.to_string());
    REQUIRE(r.status.ok());
    REQUIRE(r.kernels.size() == 3);
    CHECK_THAT(r.kernels[0], Catch::StartsWith("bin_pack_f32__"));
    if (std::string(kernel_set) == "reference") CHECK(r.kernels[0] == "bin_pack_f32__reference");
    CHECK_THAT(r.kernels[1], Catch::StartsWith("bin_conv2d__"));
    if (std::string(kernel_set) == "reference") CHECK(r.kernels[1] == "bin_conv2d__reference");
    REQUIRE(r.outputs.size() == 1);
    CHECK(from_bytes<float>(r.outputs[0]) == expected);
    if (first.empty()) first = r.outputs;
    CHECK(r.outputs == first);
   }
  }
}

TEST_CASE("end to end: BCONV2D int8 output -> BITPACK -> BMAXPOOL2D -> UNPACK",
          "[e2e][bconv2d][bmaxpool2d][unpack]") {
  const uint32_t seed = test_seed() + 1;
  CAPTURE(seed);
  std::mt19937 rng(seed);
  ConvSpec c;  // grouped: 64 channels in 2 groups, 4 outputs, VALID, dilation 2
  c.n = 2;
  c.h = 6;
  c.w = 7;
  c.cin = 64;
  c.groups = 2;
  c.cout = 4;
  c.kh = c.kw = 2;
  c.dilation_h = c.dilation_w = 2;
  const Signs xs = random_signs(rng, size_t(c.n) * c.h * c.w * c.cin);
  const Signs w = random_signs(rng, size_t(c.cout) * 4 * 32);
  const std::vector<float> mul = random_floats(rng, c.cout, 0.1f, 1.0f);
  const std::vector<float> bias = random_floats(rng, c.cout, -2.0f, 2.0f);
  const float scale = 0.125f;
  const int zp = 3;

  const int oh = c.out_h(), ow = c.out_w();
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kBit, Shape{c.n, c.h, c.w, c.cin});
  const int wt = b.add_constant("w", DType::kBit, Shape{c.cout, 2, 2, 32}, pack_signs(w, 32));
  const int m = b.add_constant("mul", DType::kFloat32, Shape{c.cout}, mul);
  const int bi = b.add_constant("bias", DType::kFloat32, Shape{c.cout}, bias);
  const int q = b.add_tensor("q", DType::kInt8, Shape{c.n, oh, ow, c.cout}, per_tensor(scale, zp));
  const int qb = b.add_tensor("qbits", DType::kBit, Shape{c.n, oh, ow, c.cout});
  const int pooled = b.add_tensor("pooled", DType::kBit, Shape{c.n, oh / 2, ow / 2, c.cout});
  const int out = b.add_tensor("out", DType::kFloat32, Shape{c.n, oh / 2, ow / 2, c.cout});
  BConv2DOptions o;
  o.dilation_h = o.dilation_w = 2;
  b.add_operator(OpType::kBConv2D, {x, wt, m, bi}, {q}, o, "bconv_int8");
  b.add_operator(OpType::kBitpack, {q}, {qb}, {}, "pack");
  Pool2DOptions p;
  p.filter_h = p.filter_w = 2;
  p.stride_h = p.stride_w = 2;
  b.add_operator(OpType::kBMaxPool2D, {qb}, {pooled}, p, "pool");
  b.add_operator(OpType::kBitUnpack, {pooled}, {out}, {}, "unpack");
  b.set_inputs({x});
  b.set_outputs({q, out});

  const std::vector<int32_t> s = simulate_conv(c, xs, w);
  std::vector<int8_t> expected_q(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    expected_q[i] = lce_int8_output(s[i], c.k(), mul[i % c.cout], bias[i % c.cout], scale, zp);
  }
  std::vector<float> expected_out(size_t(c.n) * (oh / 2) * (ow / 2) * c.cout);
  for (int n = 0; n < c.n; ++n)
    for (int y = 0; y < oh / 2; ++y)
      for (int xx = 0; xx < ow / 2; ++xx)
        for (int ch = 0; ch < c.cout; ++ch) {
          int best = -1;  // max of ±1 over the window: +1 unless all q < zp
          bool all_negative = true;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
              const size_t idx = ((size_t(n) * oh + 2 * y + dy) * ow + 2 * xx + dx) * c.cout + ch;
              all_negative = all_negative && expected_q[idx] < zp;
            }
          if (!all_negative) best = 1;
          expected_out[((size_t(n) * (oh / 2) + y) * (ow / 2) + xx) * c.cout + ch] = float(best);
        }

  for (int threads : {1, 4}) {
    CAPTURE(threads);
    InterpreterOptions options;
    options.num_threads = threads;
    options.kernel = threads == 1 ? "reference" : "auto";
    const RunResult r = run_model(b, {to_bytes(pack_signs(xs, c.cin))}, options);
    INFO(r.status.to_string());
    REQUIRE(r.status.ok());
    REQUIRE(r.kernels.size() == 4);
    CHECK_THAT(r.kernels[0], Catch::StartsWith("bin_conv2d__"));
    CHECK_THAT(r.kernels[1], Catch::StartsWith("bin_pack_qs8__"));
    CHECK_THAT(r.kernels[2], Catch::StartsWith("bin_maxpool2d__"));
    if (threads == 1) {
      CHECK(std::vector<std::string>(r.kernels.begin() + 1, r.kernels.end()) ==
            std::vector<std::string>{"bin_pack_qs8__reference", "bin_maxpool2d__reference",
                                     "bin_unpack_f32__reference"});
    }
    REQUIRE(r.outputs.size() == 2);
    CHECK(from_bytes<int8_t>(r.outputs[0]) == expected_q);
    CHECK(from_bytes<float>(r.outputs[1]) == expected_out);
  }
}

TEST_CASE("end to end: BFULLY_CONNECTED bit output -> UNPACK int8", "[e2e][bfully_connected][unpack]") {
  const uint32_t seed = test_seed() + 2;
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const int batch = 3, k = 70, cout = 37;
  const Signs xs = random_signs(rng, batch * k), w = random_signs(rng, cout * k);
  const std::vector<int32_t> thr = random_ints<int32_t>(rng, cout, 25, 45);
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kBit, Shape{batch, k});
  const int wt = b.add_constant("w", DType::kBit, Shape{cout, k}, pack_signs(w, k));
  const int th = b.add_constant("thr", DType::kInt32, Shape{cout}, thr);
  const int y = b.add_tensor("y", DType::kBit, Shape{batch, cout});
  const int z = b.add_tensor("z", DType::kInt8, Shape{batch, cout}, per_tensor(0.25f, -2));
  b.add_operator(OpType::kBFullyConnected, {x, wt, kAbsentInput, kAbsentInput, th}, {y},
                 BFullyConnectedOptions{}, "bfc");
  b.add_operator(OpType::kBitUnpack, {y}, {z}, {}, "unpack");
  b.set_inputs({x});
  b.set_outputs({z});
  std::vector<int8_t> expected(batch * cout);
  for (int n = 0; n < batch; ++n)
    for (int c = 0; c < cout; ++c) {
      int s = 0;
      for (int i = 0; i < k; ++i) s += xs[n * k + i] * w[c * k + i];
      // bit set (-1) -> zp - 4 = -6; bit clear (+1) -> zp + 4 = 2.
      expected[n * cout + c] = (k - s) > 2 * thr[c] ? -6 : 2;
    }
  for (const char* kernel_set : {"reference", "auto"}) {
    CAPTURE(kernel_set);
    InterpreterOptions options;
    options.kernel = kernel_set;
    const RunResult r = run_model(b, {to_bytes(pack_signs(xs, k))}, options);
    INFO(r.status.to_string());
    REQUIRE(r.status.ok());
    REQUIRE(r.kernels.size() == 2);
    CHECK_THAT(r.kernels[0], Catch::StartsWith("bin_fully_connected__"));
    CHECK(r.kernels[1] == "bin_unpack_qs8__reference");
    CHECK(from_bytes<int8_t>(r.outputs[0]) == expected);
  }
}

TEST_CASE("end to end: a bad BCONV2D is rejected at load naming the operand", "[e2e][bconv2d][validation]") {
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kBit, Shape{1, 4, 4, 48});
  // 48 channels in 3 groups of 16: LCE needs multiples of 32 per group.
  const int w = b.add_constant("w_grouped", DType::kBit, Shape{3, 1, 1, 16},
                               std::vector<uint32_t>(3, 0u));
  const int t = b.add_constant("thr", DType::kInt32, Shape{3}, std::vector<int32_t>{0, 0, 0});
  const int y = b.add_tensor("y", DType::kBit, Shape{1, 4, 4, 3});
  b.add_operator(OpType::kBConv2D, {x, w, kAbsentInput, kAbsentInput, t}, {y}, BConv2DOptions{},
                 "grouped");
  b.set_inputs({x});
  b.set_outputs({y});
  const RunResult r = run_model(b, {Bytes(16 * 2 * 4)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("multiple of 32") && Catch::Contains("w_grouped"));
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
