// A hand-written Larq Compute Engine model (LceQuantize, LceBconv2d with
// bitpacked and float outputs, LceBMaxPool2d, LceDequantize) converted and run
// end to end, checked against a direct ±1 computation written here.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <flatbuffers/flexbuffers.h>
#include <random>

#include "convert_test_util.h"
#include "support/model_runner.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

constexpr int kH = 6, kW = 6, kCin = 40, kMid = 36, kCout = 5, kK = 3;

// Signs as ±1, indexed [o][kh][kw][c].
using Filter = std::vector<int>;

std::vector<int32_t> pack_filter(const Filter& f, int cout, int cin) {
  const int words = bit_words(cin);
  std::vector<int32_t> packed(static_cast<size_t>(cout) * kK * kK * words, 0);
  for (int o = 0; o < cout; ++o)
    for (int t = 0; t < kK * kK; ++t)
      for (int c = 0; c < cin; ++c)
        if (f[(o * kK * kK + t) * cin + c] < 0) {
          packed[(o * kK * kK + t) * words + c / 32] |= static_cast<int32_t>(1u << (c % 32));
        }
  return packed;
}

std::vector<uint8_t> flex_map(const std::function<void(flexbuffers::Builder&)>& fill) {
  flexbuffers::Builder fbb;
  fbb.Map([&] { fill(fbb); });
  fbb.Finish();
  return fbb.GetBuffer();
}

}  // namespace

TEST_CASE("an LCE binary model converts and runs like the direct ±1 computation", "[convert][lce]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> coin(0, 1);
  auto random_signs = [&](size_t n) {
    Filter f(n);
    for (int& v : f) v = coin(rng) ? 1 : -1;
    return f;
  };
  const Filter f1 = random_signs(size_t(kMid) * kK * kK * kCin);
  const Filter f2 = random_signs(size_t(kCout) * kK * kK * kMid);
  std::vector<int32_t> thresholds(kMid);
  std::uniform_int_distribution<int> near_half(kK * kK * kCin / 2 - 12, kK * kK * kCin / 2 + 12);
  for (int32_t& t : thresholds) t = near_half(rng);
  const std::vector<float> multiplier = random_floats(rng, kCout, 0.05f, 0.5f);
  const std::vector<float> bias = random_floats(rng, kCout, -2.0f, 2.0f);

  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, kH, kW, kCin});
  const int xb = w.add_tensor("x_bits", kTflInt32, {1, kH, kW, bit_words(kCin)});
  const int w1 = w.add_constant("bconv1/filter", kTflInt32, {kMid, kK, kK, bit_words(kCin)},
                                pack_filter(f1, kMid, kCin));
  const int th = w.add_constant("bconv1/threshold", kTflInt32, {kMid}, thresholds);
  const int y1 = w.add_tensor("bconv1", kTflInt32, {1, kH, kW, bit_words(kMid)});
  const int pooled = w.add_tensor("pool", kTflInt32, {1, kH / 2, kW / 2, bit_words(kMid)});
  const int w2 = w.add_constant("bconv2/filter", kTflInt32, {kCout, kK, kK, bit_words(kMid)},
                                pack_filter(f2, kCout, kMid));
  const int mul = w.add_constant("bconv2/multiplier", kTflFloat32, {kCout}, multiplier);
  const int add = w.add_constant("bconv2/bias", kTflFloat32, {kCout}, bias);
  const int y2 = w.add_tensor("bconv2", kTflFloat32, {1, kH / 2, kW / 2, kCout});
  const int unpacked = w.add_tensor("unpacked", kTflFloat32, {1, kH / 2, kW / 2, kMid});

  w.add_operator(w.custom_code("LceQuantize"), {x}, {xb});
  w.add_operator(w.custom_code("LceBconv2d"), {xb, w1, -1, -1, th}, {y1}, {},
                 flex_map([](flexbuffers::Builder& b) {
                   b.Int("channels_in", kCin);
                   b.Int("dilation_height_factor", 1);
                   b.Int("dilation_width_factor", 1);
                   b.Int("fused_activation_function", 0);
                   b.Int("pad_values", 1);
                   b.Int("padding", 0);  // SAME
                   b.Int("stride_height", 1);
                   b.Int("stride_width", 1);
                 }));
  w.add_operator(w.custom_code("LceBMaxPool2d"), {y1}, {pooled}, {},
                 flex_map([](flexbuffers::Builder& b) {
                   b.Int("filter_height", 2);
                   b.Int("filter_width", 2);
                   b.Int("padding", 1);  // VALID
                   b.Int("stride_height", 2);
                   b.Int("stride_width", 2);
                 }));
  w.add_operator(w.custom_code("LceBconv2d"), {pooled, w2, mul, add}, {y2}, {},
                 flex_map([](flexbuffers::Builder& b) {
                   b.Int("channels_in", kMid);
                   b.Int("pad_values", 0);
                   b.Int("padding", 0);  // SAME
                   b.Int("stride_height", 1);
                   b.Int("stride_width", 1);
                 }));
  w.add_operator(w.custom_code("LceDequantize"), {pooled}, {unpacked});
  w.set_inputs({x});
  w.set_outputs({y2, unpacked});

  Converted c = convert_and_prepare(w.finish());
  INFO("stage " << c.stage << ": " << c.status.to_string());
  REQUIRE(c.status.ok());
  CHECK(c.summary.operators_by_kind.at("BITPACK") == 1);
  CHECK(c.summary.operators_by_kind.at("BCONV2D") == 2);
  CHECK(c.summary.operators_by_kind.at("BMAXPOOL2D") == 1);
  CHECK(c.summary.operators_by_kind.at("BIT_UNPACK") == 1);
  CHECK(c.summary.binary_macs ==
        uint64_t(kH) * kW * kMid * kK * kK * kCin + uint64_t(kH / 2) * (kW / 2) * kCout * kK * kK * kMid);
  const GraphDesc& g = c.model->graph();
  // Bit tensors carry the logical channel count, not LCE's word count.
  CHECK(g.tensors[g.operators[1].inputs[1]].dtype == DType::kBit);
  CHECK(g.tensors[g.operators[1].inputs[1]].shape == Shape({kMid, kK, kK, kCin}));
  CHECK(g.tensors[g.operators[1].outputs[0]].shape == Shape({1, kH, kW, kMid}));

  // Input without zeros, so its sign is never ambiguous.
  std::vector<float> input = random_floats(rng, size_t(kH) * kW * kCin, -1.0f, 1.0f);
  for (float& v : input) if (v == 0.0f) v = 0.5f;
  std::vector<uint8_t> bytes(input.size() * sizeof(float));
  std::memcpy(bytes.data(), input.data(), bytes.size());
  REQUIRE(fill_input(*c.interpreter, 0, bytes));
  const Status status = c.interpreter->invoke();
  INFO(status.to_string());
  REQUIRE(status.ok());

  auto sign = [&](int h, int wi, int ch) { return input[(h * kW + wi) * kCin + ch] < 0 ? -1 : 1; };
  // bconv1: one-padded SAME 3x3; a bit is set when the mismatch count exceeds the threshold.
  std::vector<int> bits1(size_t(kH) * kW * kMid);
  for (int h = 0; h < kH; ++h)
    for (int wi = 0; wi < kW; ++wi)
      for (int o = 0; o < kMid; ++o) {
        int mismatches = 0;
        for (int kh = 0; kh < kK; ++kh)
          for (int kw = 0; kw < kK; ++kw)
            for (int ch = 0; ch < kCin; ++ch) {
              const int ih = h + kh - 1, iw = wi + kw - 1;
              const int a = (ih < 0 || ih >= kH || iw < 0 || iw >= kW) ? 1 : sign(ih, iw, ch);
              mismatches += a != f1[(o * kK * kK + kh * kK + kw) * kCin + ch];
            }
        bits1[(h * kW + wi) * kMid + o] = mismatches > thresholds[o];
      }
  // 2x2 max pool of ±1 values = AND of the "negative" bits.
  const int ph = kH / 2, pw = kW / 2;
  std::vector<int> pooled_bits(size_t(ph) * pw * kMid);
  for (int h = 0; h < ph; ++h)
    for (int wi = 0; wi < pw; ++wi)
      for (int o = 0; o < kMid; ++o) {
        int all = 1;
        for (int dh = 0; dh < 2; ++dh)
          for (int dw = 0; dw < 2; ++dw) all &= bits1[((2 * h + dh) * kW + 2 * wi + dw) * kMid + o];
        pooled_bits[(h * pw + wi) * kMid + o] = all;
      }
  // Both bit values must occur, or the comparison below proves little.
  int ones = 0;
  for (int b : pooled_bits) ones += b;
  CAPTURE(ones);
  CHECK(ones > 0);
  CHECK(ones < static_cast<int>(pooled_bits.size()));
  const std::vector<float> got_unpacked = output_values<float>(*c.interpreter, 1);
  REQUIRE(got_unpacked.size() == pooled_bits.size());
  int unpack_mismatches = 0;
  for (size_t i = 0; i < pooled_bits.size(); ++i) {
    unpack_mismatches += got_unpacked[i] != (pooled_bits[i] ? -1.0f : 1.0f);
  }
  CHECK(unpack_mismatches == 0);
  // bconv2: zero-padded SAME (pad_values 0), float output = dot * multiplier + bias.
  const std::vector<float> got = output_values<float>(*c.interpreter, 0);
  REQUIRE(got.size() == size_t(ph) * pw * kCout);
  for (int h = 0; h < ph; ++h)
    for (int wi = 0; wi < pw; ++wi)
      for (int o = 0; o < kCout; ++o) {
        int dot = 0;
        for (int kh = 0; kh < kK; ++kh)
          for (int kw = 0; kw < kK; ++kw) {
            const int ih = h + kh - 1, iw = wi + kw - 1;
            if (ih < 0 || ih >= ph || iw < 0 || iw >= pw) continue;
            for (int ch = 0; ch < kMid; ++ch) {
              const int a = pooled_bits[(ih * pw + iw) * kMid + ch] ? -1 : 1;
              dot += a * f2[(o * kK * kK + kh * kK + kw) * kMid + ch];
            }
          }
        const float expected = dot * multiplier[o] + bias[o];
        CAPTURE(h, wi, o, dot);
        CHECK(got[(h * pw + wi) * kCout + o] == Approx(expected).margin(1e-4));
      }
}

TEST_CASE("LCE operators with bad options are reported, not guessed", "[convert][lce]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 4, 4, 8});
  const int xb = w.add_tensor("x_bits", kTflInt32, {1, 4, 4, 1});
  const int f = w.add_constant("filter", kTflInt32, {4, 1, 1, 1}, std::vector<int32_t>(4, 0));
  const int y = w.add_tensor("y", kTflInt32, {1, 4, 4, 1});
  const int p = w.add_tensor("p", kTflInt32, {1, 2, 2, 1});
  w.add_operator(w.custom_code("LceQuantize"), {x}, {xb});
  // No channels_in, and pad_values 2.
  w.add_operator(w.custom_code("LceBconv2d"), {xb, f, -1, -1, f}, {y}, {},
                 flex_map([](flexbuffers::Builder& b) {
                   b.Int("pad_values", 2);
                   b.Int("padding", 1);
                 }));
  // Options that are not a FlexBuffer at all.
  w.add_operator(w.custom_code("LceBMaxPool2d"), {y}, {p}, {}, {1, 2, 3});
  w.set_inputs({x});
  w.set_outputs({p});
  const Converted c = convert_only(w.finish());
  INFO(c.status.to_string());
  REQUIRE(!c.status.ok());
  CHECK(c.status.code() == StatusCode::kInvalidModel);
  CHECK_THAT(c.status.message(), Catch::Contains("operator 1 (LceBconv2d)") &&
                                     Catch::Contains("channels_in") &&
                                     Catch::Contains("operator 2 (LceBMaxPool2d)"));
}

}  // namespace testing
}  // namespace lowbit

namespace lowbit {
namespace testing {

TEST_CASE("grouped LceBconv2d with int8 output maps channels per group", "[convert][lce]") {
  // channels_in 64 in 2 words; a filter of 1 word per tap means 2 groups of 32.
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 3, 3, 64});
  const int xb = w.add_tensor("x_bits", kTflInt32, {1, 3, 3, 2});
  std::vector<int32_t> filter(8 * 1 * 1 * 1);
  for (size_t i = 0; i < filter.size(); ++i) filter[i] = static_cast<int32_t>(0x9e3779b9u * (i + 1));
  const int f = w.add_constant("filter", kTflInt32, {8, 1, 1, 1}, filter);
  const int mul = w.add_constant("mul", kTflFloat32, {8}, std::vector<float>(8, 0.25f));
  const int add = w.add_constant("add", kTflFloat32, {8}, std::vector<float>(8, 1.0f));
  const int y = w.add_tensor("y", kTflInt8, {1, 3, 3, 8}, {0.5f}, {3});
  w.add_operator(w.custom_code("LceQuantize"), {x}, {xb});
  w.add_operator(w.custom_code("LceBconv2d"), {xb, f, mul, add, -1}, {y}, {},
                 flex_map([](flexbuffers::Builder& b) {
                   b.Int("channels_in", 64);
                   b.Int("padding", 1);  // VALID
                   b.Int("stride_height", 1);
                   b.Int("stride_width", 1);
                   b.Int("fused_activation_function", 1);  // RELU
                 }));
  w.set_inputs({x});
  w.set_outputs({y});
  ModelBuilder builder;
  const std::vector<uint8_t> bytes = w.finish();
  const Status status = import_tflite(bytes.data(), bytes.size(), &builder, nullptr);
  INFO(status.to_string());
  REQUIRE(status.ok());
  const GraphDesc& g = builder.graph();
  REQUIRE(g.operators.size() == 2);
  const OperatorDesc& conv = g.operators[1];
  CHECK(g.tensors[conv.inputs[0]].shape == Shape({1, 3, 3, 64}));
  CHECK(g.tensors[conv.inputs[1]].shape == Shape({8, 1, 1, 32}));
  CHECK(g.tensors[conv.inputs[1]].dtype == DType::kBit);
  CHECK(conv.inputs.size() == 5);
  CHECK(conv.inputs[4] == kAbsentInput);
  const TensorDesc& out = g.tensors[conv.outputs[0]];
  CHECK(out.dtype == DType::kInt8);
  CHECK(out.quant.zero_points == std::vector<int32_t>{3});
  const auto* options = std::get_if<BConv2DOptions>(&conv.options);
  REQUIRE(options != nullptr);
  CHECK(options->padding == Padding::kValid);
  CHECK(options->activation == Activation::kRelu);
  CHECK(options->pad_values == 0);

  Converted c = convert_and_prepare(bytes);
  INFO(c.stage << ": " << c.status.to_string());
  CHECK(c.status.ok());
}

}  // namespace testing
}  // namespace lowbit
