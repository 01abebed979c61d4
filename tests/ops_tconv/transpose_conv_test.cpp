// TRANSPOSE_CONV through the whole public path against an oracle written the
// way TFLite's reference kernel is: every input value scattered into the
// output (float in that order; quantized into int32, then bias and
// requantization), at one and two threads; and its validation errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <type_traits>

#include "ops_elementwise/elementwise_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Case {
  int n = 1, ih = 3, iw = 3, ic = 2, oc = 3, kh = 3, kw = 3, sh = 2, sw = 2, oh = 0, ow = 0;
  Padding padding = Padding::kSame;
  Activation activation = Activation::kNone;
  bool bias = true;
  int pad_top() const { return pad_before(oh, ih, kh, sh); }
  int pad_left() const { return pad_before(ow, iw, kw, sw); }
  static int pad_before(int out, int in, int k, int s) { return std::max(0, (in - 1) * s + k - out) / 2; }
};

// Output sizes whose convolution back gives the input (VALID may add up to
// stride - 1 rows that no input reaches).
void pick_output(std::mt19937& rng, Case* c) {
  auto size = [&](int in, int k, int s) {
    return c->padding == Padding::kSame ? (in - 1) * s + 1 + int(rng() % s)
                                        : (in - 1) * s + k + int(rng() % s);
  };
  c->oh = size(c->ih, c->kh, c->sh);
  c->ow = size(c->iw, c->kw, c->sw);
}

Case random_case(std::mt19937& rng) {
  Case c;
  c.n = 1 + rng() % 2, c.ih = 1 + rng() % 5, c.iw = 1 + rng() % 5;
  c.ic = 1 + rng() % 9, c.oc = 1 + rng() % 7;
  c.kh = 1 + rng() % 5, c.kw = 1 + rng() % 5, c.sh = 1 + rng() % 3, c.sw = 1 + rng() % 3;
  c.padding = rng() % 2 ? Padding::kSame : Padding::kValid;
  c.activation = static_cast<Activation>(rng() % 4);
  c.bias = rng() % 4 != 0;
  pick_output(rng, &c);
  return c;
}

// The scatter of TFLite's reference kernel: acc[b, y, x, o] over all input
// pixels and taps, in TFLite's loop order.
template <typename Acc, typename In, typename W>
std::vector<Acc> scatter(const Case& c, const std::vector<In>& input, const std::vector<W>& w,
                         int in_zp, int w_zp) {
  std::vector<Acc> acc(size_t(c.n) * c.oh * c.ow * c.oc, Acc(0));
  for (int b = 0; b < c.n; ++b)
    for (int y = 0; y < c.ih; ++y)
      for (int x = 0; x < c.iw; ++x)
        for (int i = 0; i < c.ic; ++i)
          for (int ky = 0; ky < c.kh; ++ky)
            for (int kx = 0; kx < c.kw; ++kx)
              for (int o = 0; o < c.oc; ++o) {
                const int oy = y * c.sh - c.pad_top() + ky, ox = x * c.sw - c.pad_left() + kx;
                if (oy < 0 || oy >= c.oh || ox < 0 || ox >= c.ow) continue;
                const Acc xv = Acc(input[((size_t(b) * c.ih + y) * c.iw + x) * c.ic + i]) - Acc(in_zp);
                const Acc wv = Acc(w[((size_t(o) * c.kh + ky) * c.kw + kx) * c.ic + i]) - Acc(w_zp);
                acc[((size_t(b) * c.oh + oy) * c.ow + ox) * c.oc + o] += xv * wv;
              }
  return acc;
}

TransposeConvOptions options_of(const Case& c) {
  TransposeConvOptions o;
  o.padding = c.padding, o.stride_h = c.sh, o.stride_w = c.sw, o.activation = c.activation;
  o.output_height = c.oh, o.output_width = c.ow;
  return o;
}

// Runs [x, w, bias?] -> y at one and two threads; both must give `expected`.
void expect_output(const Case& c, const std::vector<Operand>& operands, const Operand& y,
                   const Bytes& input, const Bytes& expected,
                   RequantProfile profile = RequantProfile::kTfliteReference) {
  const std::vector<Operand> used(operands.begin(), operands.begin() + (c.bias ? 3 : 2));
  for (int threads : {1, 2}) {
    RunResult r = run_single_op(OpType::kTransposeConv, used, y, options_of(c), {input}, profile,
                                threads);
    INFO("threads " << threads << ": " << r.status.to_string());
    REQUIRE(r.status.ok());
    REQUIRE(r.outputs[0] == expected);
  }
}

template <typename T>
void check_quantized(const Case& c, std::mt19937& rng, RequantProfile profile) {
  const bool u8 = std::is_same<T, uint8_t>::value;
  const DType dtype = u8 ? DType::kUInt8 : DType::kInt8;
  const int lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
  const float in_scale = 0.02f, out_scale = 0.05f + 0.01f * float(rng() % 20);
  const int in_zp = lo + 100 + int(rng() % 56), out_zp = lo + 110 + int(rng() % 36);
  const int w_zp = u8 ? 100 + int(rng() % 56) : 0;
  std::vector<float> w_scales;
  for (int o = 0; o < (u8 ? 1 : c.oc); ++o) w_scales.push_back(0.002f + 0.001f * float(rng() % 10));
  const auto input = random_ints<T>(rng, size_t(c.n) * c.ih * c.iw * c.ic, lo, hi);
  const auto weights = random_ints<T>(rng, size_t(c.oc) * c.kh * c.kw * c.ic, u8 ? 0 : -127, hi);
  const auto bias = random_ints<int32_t>(rng, size_t(c.oc), -5000, 5000);

  const Operand x{dtype, {c.n, c.ih, c.iw, c.ic}, per_tensor(in_scale, in_zp), {}};
  const Operand w{dtype, {c.oc, c.kh, c.kw, c.ic},
                  u8 ? per_tensor(w_scales[0], w_zp) : per_axis(w_scales, 0), to_bytes(weights)};
  const Operand b{DType::kInt32, {c.oc}, {}, to_bytes(bias)};
  const Operand y{dtype, {c.n, c.oh, c.ow, c.oc}, per_tensor(out_scale, out_zp), {}};
  const std::vector<int32_t> acc = scatter<int32_t>(c, input, weights, in_zp, w_zp);
  // The int8 clamp of the simulation, moved to uint8 by the zero point's offset.
  int32_t act_min, act_max;
  sim_activation_range(c.activation, out_scale, out_zp - (lo + 128), &act_min, &act_max);
  std::vector<T> expected(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    const int o = int(i % size_t(c.oc));
    const float ws = w_scales[u8 ? 0 : o];
    // TFLite: per-channel multipliers in double; legacy uint8 in·w in float first.
    const double real = u8 ? double(in_scale * ws) / double(out_scale)
                           : double(in_scale) * double(ws) / double(out_scale);
    const int64_t v = sim_requantize(profile, int64_t(acc[i]) + (c.bias ? bias[size_t(o)] : 0),
                                     real, in_scale * ws / out_scale);
    expected[i] = T(std::min<int64_t>(act_max, std::max<int64_t>(act_min, v + out_zp - (lo + 128))) +
                    (lo + 128));
  }
  expect_output(c, {x, w, b}, y, to_bytes(input), to_bytes(expected), profile);
}

void check_float(const Case& c, std::mt19937& rng) {
  const auto input = random_floats(rng, size_t(c.n) * c.ih * c.iw * c.ic, -2, 2);
  const auto weights = random_floats(rng, size_t(c.oc) * c.kh * c.kw * c.ic, -1, 1);
  const auto bias = random_floats(rng, size_t(c.oc), -1, 1);
  const Operand x = float_operand({c.n, c.ih, c.iw, c.ic});
  const Operand w{DType::kFloat32, {c.oc, c.kh, c.kw, c.ic}, {}, to_bytes(weights)};
  const Operand b{DType::kFloat32, {c.oc}, {}, to_bytes(bias)};
  std::vector<float> expected = scatter<float>(c, input, weights, 0, 0);
  const float limits[4][2] = {{-std::numeric_limits<float>::max(), std::numeric_limits<float>::max()},
                              {0.0f, std::numeric_limits<float>::max()},
                              {0.0f, 6.0f},
                              {-1.0f, 1.0f}};
  const auto& limit = limits[static_cast<int>(c.activation)];
  for (size_t i = 0; i < expected.size(); ++i) {
    if (c.bias) expected[i] += bias[i % size_t(c.oc)];
    expected[i] = std::min(std::max(expected[i], limit[0]), limit[1]);
  }
  expect_output(c, {x, w, b}, float_operand({c.n, c.oh, c.ow, c.oc}), to_bytes(input),
                to_bytes(expected));
}

std::string describe(const Case& c) {
  return std::to_string(c.n) + "x" + std::to_string(c.ih) + "x" + std::to_string(c.iw) + "x" +
         std::to_string(c.ic) + " -> " + std::to_string(c.oh) + "x" + std::to_string(c.ow) + "x" +
         std::to_string(c.oc) + " k" + std::to_string(c.kh) + "x" + std::to_string(c.kw) + " s" +
         std::to_string(c.sh) + "x" + std::to_string(c.sw) +
         (c.padding == Padding::kSame ? " SAME" : " VALID") + " act " +
         std::to_string(static_cast<int>(c.activation)) + (c.bias ? " bias" : "");
}

}  // namespace

TEST_CASE("TRANSPOSE_CONV int8, uint8 and float32 equal the TFLite-order scatter", "[tconv]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int iter = 0; iter < scaled_iterations(60); ++iter) {
    const Case c = random_case(rng);
    INFO(describe(c));
    check_quantized<int8_t>(c, rng, RequantProfile::kTfliteReference);
    check_quantized<uint8_t>(c, rng, RequantProfile::kTfliteReference);
    check_quantized<int8_t>(c, rng, RequantProfile::kXnnpackFp32);
    check_float(c, rng);
  }
}

TEST_CASE("TRANSPOSE_CONV kernel larger than stride, input 1x1, output rows no input reaches",
          "[tconv]") {
  std::mt19937 rng(7);
  Case one;  // a single input pixel spreads the whole kernel
  one.ih = one.iw = 1, one.kh = one.kw = 4, one.sh = one.sw = 1, one.padding = Padding::kValid;
  one.oh = one.ow = 4;
  Case gap;  // VALID with stride 3 and two extra output rows and columns
  gap.ih = gap.iw = 2, gap.kh = gap.kw = 2, gap.sh = gap.sw = 3, gap.padding = Padding::kValid;
  gap.oh = gap.ow = 7;
  for (const Case& c : {one, gap}) {
    INFO(describe(c));
    check_quantized<int8_t>(c, rng, RequantProfile::kTfliteReference);
    check_float(c, rng);
  }
}

namespace {

// A valid int8 layer 1x3x3x2 -> 1x6x6x3 (k3, s2, SAME); `edit` breaks one thing.
template <typename Edit>
Status load_broken(Edit edit) {
  struct Parts {
    Shape in{1, 3, 3, 2}, weights{3, 3, 3, 2}, out{1, 6, 6, 3};
    int bias_length = 3;
    bool weights_constant = true;
    Quantization weight_quant = per_axis({0.01f, 0.02f, 0.03f}, 0);
    TransposeConvOptions options;
  } p;
  p.options.padding = Padding::kSame;
  p.options.stride_h = p.options.stride_w = 2;
  p.options.output_height = p.options.output_width = 6;
  edit(p);
  const size_t weight_count = size_t(p.weights.num_elements());
  const Bytes weights = to_bytes(std::vector<int8_t>(weight_count, 1));
  const Operand x{DType::kInt8, p.in, per_tensor(0.1f, 0), {}};
  const Operand w{DType::kInt8, p.weights, p.weight_quant, p.weights_constant ? weights : Bytes{}};
  const Operand bias{DType::kInt32, {p.bias_length}, {},
                     to_bytes(std::vector<int32_t>(size_t(p.bias_length), 0))};
  const Operand y{DType::kInt8, p.out, per_tensor(0.2f, 0), {}};
  std::vector<Bytes> inputs{Bytes(18, 0)};
  if (!p.weights_constant) inputs.push_back(weights);
  return run_single_op(OpType::kTransposeConv, {x, w, bias}, y, p.options, inputs).status;
}

}  // namespace

TEST_CASE("TRANSPOSE_CONV validation names what is wrong", "[tconv][errors]") {
  REQUIRE(load_broken([](auto&) {}).ok());
  auto message = [](const Status& s) { return s.ok() ? std::string("ok") : s.message(); };
  using Catch::Matchers::Contains;
  CHECK_THAT(message(load_broken([](auto& p) { p.options.output_height = 9; })),
             Contains("TRANSPOSE_CONV") && Contains("does not match output 9x6"));
  CHECK_THAT(message(load_broken([](auto& p) { p.options.stride_w = 0; })),
             Contains("stride 2x0 must be positive"));
  CHECK_THAT(message(load_broken([](auto& p) { p.options.output_width = -1; })),
             Contains("output size 6x-1 must be positive"));
  CHECK_THAT(message(load_broken([](auto& p) { p.in = Shape{1, 3, 3, 5}; })),
             Contains("has 5 channels but"));
  CHECK_THAT(message(load_broken([](auto& p) { p.bias_length = 2; })),
             Contains("2 elements, expected 3"));
  CHECK_THAT(message(load_broken([](auto& p) { p.weight_quant.axis = 3; })),
             Contains("3 scales; expected 1 or 2"));
  CHECK_THAT(message(load_broken([](auto& p) { p.weights_constant = false; })),
             Contains("constant"));
  CHECK_THAT(message(load_broken([](auto& p) { p.weights = Shape{3, 3, 2}; })),
             Contains("rank"));
  CHECK_THAT(message(load_broken([](auto& p) { p.out = Shape{1, 5, 6, 3}; })),
             Contains("TRANSPOSE_CONV"));
}
