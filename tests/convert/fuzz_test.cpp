// Randomly corrupted TFLite files, built to reach every converter path (LCE
// flexbuffer options, builtin option tables, quantization, folding): whatever
// the corruption, the converter and the loader answer with a Status.
#include <catch2/catch.hpp>
#include <flatbuffers/flexbuffers.h>
#include <cstring>
#include <random>

#include "convert_test_util.h"
#include "support/model_runner.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

std::vector<uint8_t> lce_chain() {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 4, 4, 40});
  const int xb = w.add_tensor("xb", kTflInt32, {1, 4, 4, 2});
  const int f = w.add_constant("f", kTflInt32, {33, 3, 3, 2}, std::vector<int32_t>(33 * 9 * 2, 0x55));
  const int th = w.add_constant("th", kTflInt32, {33}, std::vector<int32_t>(33, 180));
  const int y = w.add_tensor("y", kTflInt32, {1, 4, 4, 2});
  const int p = w.add_tensor("p", kTflInt32, {1, 2, 2, 2});
  const int d = w.add_tensor("d", kTflFloat32, {1, 2, 2, 33});
  flexbuffers::Builder conv;
  conv.Map([&] {
    conv.Int("channels_in", 40);
    conv.Int("padding", 0);
    conv.Int("pad_values", 1);
    conv.Int("stride_height", 1);
    conv.Int("stride_width", 1);
  });
  conv.Finish();
  flexbuffers::Builder pool;
  pool.Map([&] {
    pool.Int("filter_height", 2);
    pool.Int("filter_width", 2);
    pool.Int("padding", 1);
    pool.Int("stride_height", 2);
    pool.Int("stride_width", 2);
  });
  pool.Finish();
  w.add_operator(w.custom_code("LceQuantize"), {x}, {xb});
  w.add_operator(w.custom_code("LceBconv2d"), {xb, f, -1, -1, th}, {y}, {}, conv.GetBuffer());
  w.add_operator(w.custom_code("LceBMaxPool2d"), {y}, {p}, {}, pool.GetBuffer());
  w.add_operator(w.custom_code("LceDequantize"), {p}, {d});
  w.set_inputs({x});
  w.set_outputs({d});
  return w.finish();
}

std::vector<uint8_t> int8_chain() {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {1, 5, 5, 3}, {0.05f}, {-2});
  const int cf = w.add_constant("conv/f", kTflInt8, {4, 3, 3, 3}, std::vector<int8_t>(108, 7),
                                {0.01f, 0.02f, 0.03f, 0.04f}, {0, 0, 0, 0}, 0);
  const int cb = w.add_constant("conv/b", kTflInt32, {4}, std::vector<int32_t>{5, -5, 9, 0},
                                {5e-4f, 1e-3f, 1.5e-3f, 2e-3f}, {0, 0, 0, 0}, 3);
  const int c = w.add_tensor("conv", kTflInt8, {1, 5, 5, 4}, {0.1f}, {-128});
  const int pads = w.add_constant("pads", kTflInt32, {4, 2}, std::vector<int32_t>{0, 0, 1, 1, 1, 1, 0, 0});
  const int padded = w.add_tensor("padded", kTflInt8, {1, 7, 7, 4}, {0.1f}, {-128});
  const int df = w.add_constant("dw/f", kTflInt8, {1, 3, 3, 4}, std::vector<int8_t>(36, -3),
                                {0.02f, 0.02f, 0.02f, 0.02f}, {0, 0, 0, 0}, 3);
  const int dw = w.add_tensor("dw", kTflInt8, {1, 5, 5, 4}, {0.2f}, {0});
  const int axes = w.add_constant("axes", kTflInt32, {2}, std::vector<int32_t>{1, 2});
  const int mean = w.add_tensor("mean", kTflInt8, {1, 4}, {0.2f}, {0});
  const int cat = w.add_tensor("cat", kTflInt8, {1, 8}, {0.2f}, {0});
  const int sm = w.add_tensor("softmax", kTflInt8, {1, 8}, {1.0f / 256}, {-128});
  w.add_operator(w.builtin_code(3), {x, cf, cb}, {c},
                 {1, {{OptionField::kByte, 0, 0}, {OptionField::kInt, 1, 1}, {OptionField::kInt, 2, 1},
                      {OptionField::kByte, 3, 3}}});
  w.add_operator(w.builtin_code(34), {c, pads}, {padded}, {22, {}});
  w.add_operator(w.builtin_code(4), {padded, df, -1}, {dw},
                 {2, {{OptionField::kByte, 0, 1}, {OptionField::kInt, 1, 1}, {OptionField::kInt, 2, 1},
                      {OptionField::kInt, 3, 1}}});
  w.add_operator(w.builtin_code(40), {dw, axes}, {mean}, {27, {{OptionField::kByte, 0, 0}}});
  w.add_operator(w.builtin_code(2), {mean, mean}, {cat}, {10, {{OptionField::kInt, 0, 1}}});
  w.add_operator(w.builtin_code(25), {cat}, {sm}, {9, {{OptionField::kFloat, 0, 1.0}}});
  w.set_inputs({x});
  w.set_outputs({sm});
  return w.finish();
}

std::vector<uint8_t> folded_float_chain() {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {2, 3});
  const int wq = w.add_constant("wq", kTflInt8, {4, 3}, std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                                {0.5f, 0.25f, 0.125f, 1.0f}, {0, 1, 2, 3}, 0);
  const int wf = w.add_tensor("wf", kTflFloat32, {4, 3});
  const int h = w.add_tensor("h", kTflFloat32, {2, 4});
  const uint16_t half_one = 0x3c00;
  const int w2 = w.add_constant("w2_f16", kTflFloat16, {1, 4}, std::vector<uint16_t>(4, half_one));
  const int w2f = w.add_tensor("w2", kTflFloat32, {1, 4});
  const int y = w.add_tensor("y", kTflFloat32, {2, 1});
  w.add_operator(w.builtin_code(6), {wq}, {wf});
  w.add_operator(w.builtin_code(9), {x, wf, -1}, {h}, {8, {{OptionField::kByte, 0, 1}}});
  w.add_operator(w.builtin_code(6), {w2}, {w2f});
  w.add_operator(w.builtin_code(9), {h, w2f, -1}, {y});
  w.set_inputs({x});
  w.set_outputs({y});
  return w.finish();
}

}  // namespace

TEST_CASE("fuzz base models are themselves valid", "[convert][fuzz]") {
  for (const auto& model : {lce_chain(), int8_chain(), folded_float_chain()}) {
    Converted c = convert_and_prepare(model);
    INFO(c.stage << ": " << c.status.to_string());
    CHECK(c.status.ok());
  }
}

TEST_CASE("randomly corrupted models are answered with a Status", "[convert][fuzz]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<std::pair<const char*, std::vector<uint8_t>>> bases = {
      {"lce", lce_chain()}, {"int8", int8_chain()}, {"float", folded_float_chain()}};
  for (const auto& base : bases) {
    DYNAMIC_SECTION(base.first) {
      const std::vector<uint8_t>& good = base.second;
      std::uniform_int_distribution<size_t> position(0, good.size() - 1);
      std::uniform_int_distribution<int> byte(0, 255);
      int converted = 0, rejected = 0;
      const int iterations = scaled_iterations(1500);
      for (int i = 0; i < iterations; ++i) {
        std::vector<uint8_t> bad = good;
        for (int k = 0; k < 1 + i % 3; ++k) bad[position(rng)] = static_cast<uint8_t>(byte(rng));
        Converted c = convert_and_prepare(bad);
        if (c.status.ok()) {
          ++converted;
          // Whatever survived must run too.
          for (size_t t = 0; t < c.interpreter->num_inputs(); ++t) {
            const TensorView in = c.interpreter->input(t);
            if (in.bytes) std::memset(in.data, 0, in.bytes);
          }
          CHECK(c.interpreter->invoke().ok());
        } else {
          ++rejected;
          CHECK(!c.status.message().empty());
        }
      }
      CAPTURE(converted, rejected);
      // Both outcomes occur: corruption is not always fatal, nor always harmless.
      CHECK(converted > 0);
      CHECK(rejected > 0);
    }
  }
}

}  // namespace testing
}  // namespace lowbit
