// BCONV2D operator tests: every output mode on random geometries against the
// ±1 simulation, thread-count independence, and validation messages.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>

#include "binary_sim.h"
#include "op_harness.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

struct BConvCase {
  ConvSpec spec;
  DType out_dtype = DType::kFloat32;
  Activation activation = Activation::kNone;
  float out_scale = 0.1f;
  int out_zero_point = 0;
  Signs input, filter;
  std::vector<float> mul, bias;
  std::vector<int32_t> threshold;
};

int activation_kind(Activation a) {
  switch (a) {
    case Activation::kNone: return 0;
    case Activation::kRelu: return 1;
    case Activation::kRelu6: return 2;
    case Activation::kReluN1To1: return 3;
  }
  return 0;
}

// ModelBuilder is not movable: hand it out on the heap.
std::unique_ptr<ModelBuilder> build(const BConvCase& t) {
  const ConvSpec& c = t.spec;
  auto owner = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *owner;
  const int x = b.add_tensor("x", DType::kBit, Shape{c.n, c.h, c.w, c.cin});
  const std::vector<uint32_t> packed_w = pack_signs(t.filter, c.group_channels());
  const int w = b.add_constant("w", DType::kBit, Shape{c.cout, c.kh, c.kw, c.group_channels()},
                               packed_w);
  int mul = kAbsentInput, bias = kAbsentInput, thr = kAbsentInput;
  if (!t.mul.empty()) mul = b.add_constant("mul", DType::kFloat32, Shape{int32_t(t.mul.size())}, t.mul);
  if (!t.bias.empty()) bias = b.add_constant("bias", DType::kFloat32, Shape{int32_t(t.bias.size())}, t.bias);
  if (!t.threshold.empty()) {
    thr = b.add_constant("thr", DType::kInt32, Shape{int32_t(t.threshold.size())}, t.threshold);
  }
  const Quantization q = t.out_dtype == DType::kInt8 ? per_tensor(t.out_scale, t.out_zero_point)
                                                     : Quantization{};
  const int y = b.add_tensor("y", t.out_dtype, Shape{c.n, c.out_h(), c.out_w(), c.cout}, q);
  BConv2DOptions o;
  o.padding = c.same ? Padding::kSame : Padding::kValid;
  o.stride_h = c.stride_h;
  o.stride_w = c.stride_w;
  o.dilation_h = c.dilation_h;
  o.dilation_w = c.dilation_w;
  o.activation = t.activation;
  o.pad_values = c.pad_values;
  std::vector<int> inputs = {x, w, mul, bias};
  if (thr != kAbsentInput) inputs.push_back(thr);
  b.add_operator(OpType::kBConv2D, inputs, {y}, o, "bconv");
  b.set_inputs({x});
  b.set_outputs({y});
  return owner;
}

BConvCase random_case(std::mt19937& rng, DType out_dtype) {
  const ValuePicker pick(rng);
  BConvCase t;
  ConvSpec& c = t.spec;
  c.groups = pick({1, 1, 1, 2});
  c.cin = c.groups == 1 ? pick({1, 31, 32, 33, 65, 545}) : c.groups * pick({32, 32, 64});
  c.cout = c.groups * pick({1, 3, 17, 33, 70});
  c.n = pick({1, 2});
  c.h = pick({2, 5, 6});
  c.w = pick({1, 3, 5});
  pick_window(pick, c);
  c.same = pick({0, 1, 1}) == 1;
  c.pad_values = pick({0, 1});
  if (!c.fits_valid()) c.same = true;
  t.out_dtype = out_dtype;
  t.input = random_signs(rng, size_t(c.n) * c.h * c.w * c.cin);
  t.filter = random_signs(rng, size_t(c.cout) * c.kh * c.kw * c.group_channels());
  if (out_dtype == DType::kBit) {
    t.threshold = random_ints<int32_t>(rng, c.cout, -1, c.k() + 1);
  } else {
    t.activation = static_cast<Activation>(pick({0, 1, 2, 3}));
    t.mul = random_floats(rng, c.cout, -2.0f, 2.0f);
    t.bias = random_floats(rng, c.cout, -5.0f, 5.0f);
    t.out_scale = std::uniform_real_distribution<float>(0.02f, 0.5f)(rng);
    t.out_zero_point = pick({-20, 0, 7});
  }
  return t;
}

// Checks an operator result against the simulation; returns the raw output.
void check_against_simulation(const BConvCase& t, const Bytes& out) {
  const ConvSpec& c = t.spec;
  const std::vector<int32_t> s = simulate_conv(c, t.input, t.filter);
  const int k = c.k();
  const size_t pixels = s.size() / c.cout;
  if (t.out_dtype == DType::kBit) {
    const std::vector<uint32_t> words = from_bytes<uint32_t>(out);
    REQUIRE(words.size() == pixels * ((c.cout + 31) / 32));
    const Signs bits = unpack_signs(words, pixels, c.cout);
    for (size_t i = 0; i < s.size(); ++i) {
      CAPTURE(i, s[i]);
      // LCE: popcount accumulator (K - s)/2 > threshold  <=>  bit set (-1).
      const bool expected = (k - s[i]) > 2 * t.threshold[i % c.cout];
      REQUIRE((bits[i] < 0) == expected);
    }
    CHECK(count_nonzero_pad_bits(words, c.cout) == 0);
    return;
  }
  const int act = activation_kind(t.activation);
  // Calls check(i, channel, clamped) for every output value with the
  // simulation's activation-clamped value, both named in its failures.
  auto for_each_value = [&](auto&& check) {
    for (size_t i = 0; i < s.size(); ++i) {
      const int32_t clamped = clamp_conv_value(s[i], act);
      CAPTURE(i, s[i], clamped);
      check(i, i % c.cout, clamped);
    }
  };
  if (t.out_dtype == DType::kFloat32) {
    const std::vector<float> y = from_bytes<float>(out);
    REQUIRE(y.size() == s.size());
    for_each_value([&](size_t i, size_t ch, int32_t clamped) {
      REQUIRE(y[i] == lce_float_output(clamped, k, t.mul[ch], t.bias[ch]));
      const double exact = double(clamped) * t.mul[ch] + t.bias[ch];
      REQUIRE(std::fabs(y[i] - exact) <= 1e-5 * (std::fabs(exact) + 2.0 * k + 1.0));
    });
    return;
  }
  const std::vector<int8_t> q = from_bytes<int8_t>(out);
  REQUIRE(q.size() == s.size());
  for_each_value([&](size_t i, size_t ch, int32_t clamped) {
    REQUIRE(q[i] == lce_int8_output(clamped, k, t.mul[ch], t.bias[ch], t.out_scale,
                                    t.out_zero_point));
    const double exact = (double(clamped) * t.mul[ch] + t.bias[ch]) / t.out_scale + t.out_zero_point;
    REQUIRE(std::fabs(q[i] - std::max(-128.0, std::min(127.0, std::round(exact)))) <= 1.0);
  });
}

void run_random_sweep(DType out_dtype, int iterations) {
  const uint32_t seed = test_seed() + static_cast<uint32_t>(out_dtype);
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int it = 0; it < scaled_iterations(iterations); ++it) {
    const BConvCase t = random_case(rng, out_dtype);
    const ConvSpec& c = t.spec;
    CAPTURE(it, c.n, c.h, c.w, c.cin, c.cout, c.kh, c.kw, c.groups, c.stride_h, c.stride_w,
            c.dilation_h, c.dilation_w, c.same, c.pad_values, int(t.activation));
    const std::unique_ptr<ModelBuilder> b = build(t);
    const Bytes in = to_bytes(pack_signs(t.input, c.cin));
    const OpRun one = run_operator(*b, 0, {in}, 1);
    INFO(one.status.to_string());
    REQUIRE(one.status.ok());
    CHECK(one.kernel == "bin_conv2d__reference");
    CHECK(one.inferred_shape == Shape{c.n, c.out_h(), c.out_w(), c.cout});
    check_against_simulation(t, one.outputs[0]);
    // The best kernels for this CPU give the same bits as the reference.
    const OpRun best = run_operator(*b, 0, {in}, 1, "auto");
    REQUIRE(best.status.ok());
    CHECK_THAT(best.kernel, Catch::StartsWith("bin_conv2d__"));
    REQUIRE(best.outputs[0] == one.outputs[0]);
    // Each x86 kernel set this CPU runs, in turn: same bits again.
    const char* isa_set = it % 2 == 0 ? "avx2" : "avx512vpopcnt";
    const uint32_t isa_needs = it % 2 == 0 ? kCpuAVX2 : kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VPOPCNTDQ;
    if (CpuFeatures::detect().has(isa_needs)) {
      CAPTURE(isa_set);
      const OpRun isa = run_operator(*b, 0, {in}, 1, isa_set);
      REQUIRE(isa.status.ok());
      CHECK(isa.kernel == std::string("bin_conv2d__") + isa_set);
      REQUIRE(isa.outputs[0] == one.outputs[0]);
    }
    // Thread pools are costly on a loaded machine: rotate through thread
    // counts that do and do not divide the pixel chunks, with reference or
    // best kernels.
    if (it % 3 != 0) continue;
    const int thread_counts[] = {2, 3, 4, 5, 8};
    const int threads = thread_counts[(it / 3) % 5];
    const char* kernel_set = (it / 3) % 2 == 0 ? "reference" : "auto";
    CAPTURE(threads, kernel_set);
    const OpRun many = run_operator(*b, 0, {in}, threads, kernel_set);
    REQUIRE(many.status.ok());
    REQUIRE(many.outputs[0] == one.outputs[0]);
  }
}

TEST_CASE("BCONV2D float32 output: random shapes match the simulation", "[bconv2d][float32]") {
  run_random_sweep(DType::kFloat32, 40);
}

TEST_CASE("BCONV2D int8 output: random shapes match the simulation", "[bconv2d][int8]") {
  run_random_sweep(DType::kInt8, 40);
}

TEST_CASE("BCONV2D bit output: random shapes match the simulation", "[bconv2d][bit]") {
  run_random_sweep(DType::kBit, 40);
}

TEST_CASE("BCONV2D float32 output: hand-computed 2x2 image", "[bconv2d][float32]") {
  // 2x2 image, 1 channel: +1 -1 / -1 -1; 2x2 filter +1 +1 / +1 -1; VALID.
  // s = 1 - 1 - 1 + 1 = 0 -> y = 0 * 3 + 0.25. With SAME padding (out 2x2,
  // pad after only): pixel (0,1) sees taps (0,1)=-1*+1, (1,1)=-1*+1 and two
  // out-of-image taps: +1 padding adds w(0,1)+w(1,1) = +1-1 = 0 -> s = -2;
  // zero padding adds nothing -> s = -2 as well; pixel (1,1) sees only tap
  // (1,1)=-1*+1 = -1 plus padding +1 -> +1+1-1 = 1 -> s = 0 (one) / -1 (zero).
  BConvCase t;
  t.spec.h = t.spec.w = 2;
  t.spec.kh = t.spec.kw = 2;
  t.input = {1, -1, -1, -1};
  t.filter = {1, 1, 1, -1};
  t.mul = {3.0f};
  t.bias = {0.25f};
  OpRun r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 1))});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0]) == std::vector<float>{0.25f});

  t.spec.same = true;
  t.spec.pad_values = 1;
  r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 1))});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0])[1] == -5.75f);
  CHECK(from_bytes<float>(r.outputs[0])[3] == 0.25f);
  t.spec.pad_values = 0;
  r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 1))});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0])[1] == -5.75f);
  CHECK(from_bytes<float>(r.outputs[0])[3] == -2.75f);
}

TEST_CASE("BCONV2D int8 output: hand-computed rounding", "[bconv2d][int8]") {
  // x = (+1, -1, -1), w = (+1, +1, -1): s = 1. y = (1 * 1 + 0.25) / 0.5 = 2.5,
  // a tie that LCE rounds away from zero -> 3; -2.5 -> -3 with multiplier -1.
  BConvCase t;
  t.spec.cin = 3;
  t.spec.cout = 2;
  t.input = {1, -1, -1};
  t.filter = {1, 1, -1, 1, 1, -1};
  t.mul = {1.0f, -1.0f};
  t.bias = {0.25f, -0.25f};
  t.out_dtype = DType::kInt8;
  t.out_scale = 0.5f;
  t.out_zero_point = 0;
  OpRun r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 3))});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int8_t>(r.outputs[0]) == std::vector<int8_t>{3, -3});
  // LCE folds the zero point in before rounding: 2.5 + 120 -> 123 but
  // -2.5 + 120 = 117.5 -> 118 (not -3 + 120).
  t.out_zero_point = 120;
  r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 3))});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int8_t>(r.outputs[0]) == std::vector<int8_t>{123, 118});
  t.mul = {100.0f, -1.0f};  // 200.5 + 120 saturates
  r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 3))});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int8_t>(r.outputs[0]) == std::vector<int8_t>{127, 118});
}

TEST_CASE("BCONV2D bit output: hand-computed thresholds and pad bits", "[bconv2d][bit]") {
  // 1x1 image of 33 channels, all +1; 33 output channels, channel c's filter
  // has c negative entries: xor popcount = c. Threshold 16: bits 17..32 set.
  BConvCase t;
  t.spec.cin = 33;
  t.spec.cout = 33;
  t.input = Signs(33, 1);
  for (int c = 0; c < 33; ++c)
    for (int i = 0; i < 33; ++i) t.filter.push_back(i < c ? -1 : 1);
  t.out_dtype = DType::kBit;
  t.threshold = std::vector<int32_t>(33, 16);
  for (const char* kernel_set : {"reference", "auto"}) {
    CAPTURE(kernel_set);
    const OpRun r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 33))}, 1, kernel_set);
    REQUIRE(r.status.ok());
    CHECK(from_bytes<uint32_t>(r.outputs[0]) == std::vector<uint32_t>{0xFFFE0000u, 0x1u});
  }
}

// A valid float-output case to break one piece at a time.
BConvCase base_case() {
  BConvCase t;
  t.spec.h = t.spec.w = 3;
  t.spec.cin = 64;
  t.spec.cout = 4;
  t.spec.kh = t.spec.kw = 3;
  t.input = Signs(3 * 3 * 64, 1);
  t.filter = Signs(4 * 9 * 64, -1);
  t.mul = {1, 1, 1, 1};
  t.bias = {0, 0, 0, 0};
  return t;
}

std::string validation_error(const BConvCase& t) {
  const Status s = validate_operator(*build(t), 0);
  return s.ok() ? std::string("ok") : s.message();
}

TEST_CASE("BCONV2D validation names the operand at fault", "[bconv2d][validation]") {
  CHECK(validation_error(base_case()) == "ok");
  {
    BConvCase t = base_case();  // 4 groups of 16 channels
    t.spec.groups = 4;
    t.filter = Signs(4 * 9 * 16, 1);
    const std::string e = validation_error(t);
    CHECK_THAT(e, Catch::Contains("multiple of 32") && Catch::Contains("groups"));
  }
  {
    BConvCase t = base_case();
    t.threshold = {0, 0, 0, 0};
    CHECK_THAT(validation_error(t), Catch::Contains("output threshold") &&
                                        Catch::Contains("absent for float32 output"));
  }
  {
    BConvCase t = base_case();
    t.mul.clear();
    t.bias.clear();
    CHECK_THAT(validation_error(t), Catch::Contains("post-activation multiplier") &&
                                        Catch::Contains("required"));
  }
  {
    BConvCase t = base_case();
    t.mul = {1, 1, 1};
    CHECK_THAT(validation_error(t), Catch::Contains("post-activation multiplier") &&
                                        Catch::Contains("[4]"));
  }
  {
    BConvCase t = base_case();
    t.out_dtype = DType::kBit;
    CHECK_THAT(validation_error(t), Catch::Contains("post-activation multiplier") &&
                                        Catch::Contains("absent for bit output"));
    t.mul.clear();
    t.bias.clear();
    CHECK_THAT(validation_error(t), Catch::Contains("output threshold") &&
                                        Catch::Contains("required for bit output"));
    t.threshold = {1, 2, 3, 4};
    CHECK(validation_error(t) == "ok");
    t.activation = Activation::kRelu;
    CHECK_THAT(validation_error(t), Catch::Contains("RELU"));
  }
  {
    BConvCase t = base_case();
    t.spec.pad_values = 2;
    CHECK_THAT(validation_error(t), Catch::Contains("pad_values"));
  }
  {
    BConvCase t = base_case();
    t.bias[2] = std::nanf("");
    CHECK_THAT(validation_error(t), Catch::Contains("post-activation bias") &&
                                        Catch::Contains("channel 2"));
  }
  {
    BConvCase t = base_case();
    t.out_dtype = DType::kInt32;
    CHECK_THAT(validation_error(t), Catch::Contains("output 0") && Catch::Contains("int32"));
  }
}

TEST_CASE("BCONV2D validation: non-constant filter and float input", "[bconv2d][validation]") {
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kFloat32, Shape{1, 2, 2, 8});
  const int w = b.add_tensor("w_dynamic", DType::kBit, Shape{1, 1, 1, 8});
  const int y = b.add_tensor("y", DType::kBit, Shape{1, 2, 2, 1});
  b.add_operator(OpType::kBConv2D, {x, w, kAbsentInput, kAbsentInput, kAbsentInput}, {y},
                 BConv2DOptions{});
  Status s = validate_operator(b, 0);
  CHECK_THAT(s.message(), Catch::Contains("\"x\"") && Catch::Contains("float32"));

  ModelBuilder b2;
  const int x2 = b2.add_tensor("x", DType::kBit, Shape{1, 2, 2, 8});
  const int w2 = b2.add_tensor("w_dynamic", DType::kBit, Shape{1, 1, 1, 8});
  const int t2 = b2.add_constant("thr", DType::kInt32, Shape{1}, std::vector<int32_t>{0});
  const int y2 = b2.add_tensor("y", DType::kBit, Shape{1, 2, 2, 1});
  b2.add_operator(OpType::kBConv2D, {x2, w2, kAbsentInput, kAbsentInput, t2}, {y2},
                  BConv2DOptions{});
  s = validate_operator(b2, 0);
  CHECK_THAT(s.message(), Catch::Contains("w_dynamic") && Catch::Contains("constant"));
}

TEST_CASE("BCONV2D int8 output: tiny output scale is rejected at prepare", "[bconv2d][int8]") {
  BConvCase t = base_case();
  t.out_dtype = DType::kInt8;
  t.out_scale = 1e-39f;
  t.mul = {1e30f, 1, 1, 1};
  const OpRun r = run_operator(*build(t), 0, {to_bytes(pack_signs(t.input, 64))});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("overflow"));
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
