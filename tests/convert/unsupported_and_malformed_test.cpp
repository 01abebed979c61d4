// Bad input is rejected with a Status: malformed files, and models whose
// operators cannot be converted (every one of them listed).
#include <catch2/catch.hpp>
#include <random>

#include "convert_test_util.h"
#include "support/model_runner.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

Status import_bytes(const std::vector<uint8_t>& bytes) {
  ModelBuilder builder;
  return import_tflite(bytes.data(), bytes.size(), &builder, nullptr);
}

// x float [1,4,4,3] -> RELU -> y: the smallest valid model.
std::vector<uint8_t> tiny_model(uint32_t version = 3, int subgraphs = 1) {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 4, 4, 3});
  const int y = w.add_tensor("y", kTflFloat32, {1, 4, 4, 3});
  w.add_operator(w.builtin_code(19), {x}, {y});
  w.set_inputs({x});
  w.set_outputs({y});
  return w.finish(version, subgraphs);
}

}  // namespace

TEST_CASE("a hand-written tiny model converts and runs", "[convert][crafted]") {
  Converted c = convert_and_prepare(tiny_model());
  INFO(c.stage << ": " << c.status.to_string());
  REQUIRE(c.status.ok());
  std::vector<float> input(48);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>(i) - 20.0f;
  REQUIRE(fill_input(*c.interpreter, 0, to_bytes(input)));
  REQUIRE(c.interpreter->invoke().ok());
  const std::vector<float> out = output_values<float>(*c.interpreter, 0);
  REQUIRE(out.size() == input.size());
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i] == std::max(0.0f, input[i]));
}

TEST_CASE("every unsupported operator is reported at once", "[convert][crafted]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 4, 4, 3});
  const int filter = w.add_constant("filter", kTflFloat32, {3, 1, 1, 3}, std::vector<float>(9, 0.5f));
  const int a = w.add_tensor("conv_tanh", kTflFloat32, {1, 4, 4, 3});
  const int b = w.add_tensor("shape", kTflFloat32, {1, 4, 4, 3});
  const int c = w.add_tensor("relu", kTflFloat32, {1, 4, 4, 3});
  const int d = w.add_tensor("custom", kTflFloat32, {1, 4, 4, 3});
  const int e = w.add_tensor("relu_n1_to_1", kTflFloat32, {1, 4, 4, 3});
  const int text = w.add_tensor("string_in", kTflString, {1, 4, 4, 3});
  const int g = w.add_tensor("string_out", kTflString, {1, 4, 4, 3});
  BuiltinOptions conv_tanh{1, {{OptionField::kByte, 0, 1},     // VALID
                               {OptionField::kInt, 1, 1},      // stride_w
                               {OptionField::kInt, 2, 1},      // stride_h
                               {OptionField::kByte, 3, 4}}};   // TANH
  w.add_operator(w.builtin_code(3), {x, filter, -1}, {a}, conv_tanh);   // 0: CONV_2D + TANH
  w.add_operator(w.builtin_code(77), {a}, {b});                         // 1: SHAPE
  w.add_operator(w.builtin_code(19), {b}, {c});                         // 2: RELU (fine)
  w.add_operator(w.custom_code("MyFancyOp"), {c}, {d}, {}, {0});        // 3: unknown custom
  w.add_operator(w.builtin_code(20), {d}, {e});                         // 4: RELU_N1_TO_1
  w.add_operator(w.builtin_code(19), {text}, {g});                      // 5: STRING tensors
  w.set_inputs({x, text});
  w.set_outputs({e, g});
  const Status status = import_bytes(w.finish());
  INFO(status.to_string());
  REQUIRE(!status.ok());
  CHECK(status.code() == StatusCode::kUnsupported);
  const std::string& m = status.message();
  CHECK_THAT(m, Catch::Contains("operator 0 (CONV_2D)") && Catch::Contains("TANH"));
  CHECK_THAT(m, Catch::Contains("operator 1 (SHAPE)"));
  CHECK_THAT(m, Catch::Contains("operator 3 (MyFancyOp)"));
  CHECK_THAT(m, Catch::Contains("operator 4 (RELU_N1_TO_1)"));
  CHECK_THAT(m, Catch::Contains("operator 5 (RELU)") && Catch::Contains("STRING") &&
                    Catch::Contains("string_in"));
  CHECK_THAT(m, !Catch::Contains("operator 2 "));
  // The graph input of type STRING is reported too.
  CHECK_THAT(m, Catch::Contains("graph input"));
}

TEST_CASE("malformed TFLite files are rejected cleanly", "[convert][malformed]") {
  const std::vector<uint8_t> good = tiny_model();
  REQUIRE(import_bytes(good).ok());

  SECTION("empty and tiny buffers") {
    for (size_t n : {size_t(0), size_t(4), size_t(7)}) {
      const Status s = import_bytes(std::vector<uint8_t>(good.begin(), good.begin() + n));
      CAPTURE(n);
      CHECK(s.code() == StatusCode::kInvalidModel);
      CHECK_THAT(s.message(), Catch::Contains("TFLite"));
    }
  }
  SECTION("truncated at every length") {
    for (size_t n = 8; n < good.size(); ++n) {
      const Status s = import_bytes(std::vector<uint8_t>(good.begin(), good.begin() + n));
      CAPTURE(n);
      CHECK(s.code() == StatusCode::kInvalidModel);
    }
  }
  SECTION("truncated real model") {
    const std::vector<uint8_t> real =
        read_binary_file(require_models_dir() + "/tflite_micro/person_detect.tflite");
    REQUIRE(real.size() > 1000);
    for (size_t n : {real.size() / 10, real.size() / 2, real.size() - 1}) {
      const Status s = import_bytes(std::vector<uint8_t>(real.begin(), real.begin() + n));
      CAPTURE(n);
      CHECK(s.code() == StatusCode::kInvalidModel);
      CHECK_THAT(s.message(), Catch::Contains("verification"));
    }
  }
  SECTION("wrong file identifier") {
    std::vector<uint8_t> bad = good;
    std::memcpy(bad.data() + 4, "LBM1", 4);
    const Status s = import_bytes(bad);
    CHECK(s.code() == StatusCode::kInvalidModel);
    CHECK_THAT(s.message(), Catch::Contains("identifier"));
  }
  SECTION("schema version and subgraph count") {
    CHECK(import_bytes(tiny_model(2)).code() == StatusCode::kUnsupported);
    const Status two = import_bytes(tiny_model(3, 2));
    CHECK(two.code() == StatusCode::kUnsupported);
    CHECK_THAT(two.message(), Catch::Contains("subgraphs"));
  }
  SECTION("random byte corruption never crashes") {
    const uint32_t seed = test_seed();
    CAPTURE(seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<size_t> position(0, good.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    int rejected = 0;
    const int iterations = scaled_iterations(3000);
    for (int i = 0; i < iterations; ++i) {
      std::vector<uint8_t> bad = good;
      for (int k = 0; k < 1 + i % 4; ++k) bad[position(rng)] = static_cast<uint8_t>(byte(rng));
      // Whatever comes out must be a Status; a converted model must also load
      // or fail to load with a Status.
      Converted c = convert_and_prepare(bad);
      rejected += !c.status.ok();
    }
    CAPTURE(rejected, iterations);
    CHECK(rejected > 0);
  }
}

TEST_CASE("bad references inside a valid FlatBuffer name the operator or tensor", "[convert][malformed]") {
  SECTION("tensor index out of range") {
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflFloat32, {1, 4});
    const int y = w.add_tensor("y", kTflFloat32, {1, 4});
    w.add_operator(w.builtin_code(19), {99}, {y});
    w.set_inputs({x});
    w.set_outputs({y});
    const Status s = import_bytes(w.finish());
    CHECK(s.code() == StatusCode::kInvalidModel);
    CHECK_THAT(s.message(), Catch::Contains("operator 0 (RELU)") && Catch::Contains("99"));
  }
  SECTION("constant with the wrong number of bytes") {
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflInt8, {1, 4}, {0.5f}, {0});
    const int weights = w.add_constant("short_weights", kTflInt8, {2, 4}, std::vector<int8_t>(5, 1),
                                       {0.1f}, {0});
    const int y = w.add_tensor("y", kTflInt8, {1, 2}, {0.5f}, {0});
    w.add_operator(w.builtin_code(9), {x, weights, -1}, {y});
    w.set_inputs({x});
    w.set_outputs({y});
    const Status s = import_bytes(w.finish());
    CHECK(s.code() == StatusCode::kInvalidModel);
    CHECK_THAT(s.message(), Catch::Contains("short_weights") && Catch::Contains("bytes"));
  }
  SECTION("zero point beyond int32") {
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflInt8, {1, 4}, {0.5f}, {int64_t(1) << 40});
    const int y = w.add_tensor("y", kTflInt8, {1, 4}, {0.5f}, {0});
    w.add_operator(w.builtin_code(19), {x}, {y});
    w.set_inputs({x});
    w.set_outputs({y});
    const Status s = import_bytes(w.finish());
    CHECK(s.code() == StatusCode::kInvalidModel);
    CHECK_THAT(s.message(), Catch::Contains("zero point") && Catch::Contains("\"x\""));
  }
  SECTION("opcode index out of range") {
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflFloat32, {1, 4});
    const int y = w.add_tensor("y", kTflFloat32, {1, 4});
    w.add_operator(7, {x}, {y});
    w.set_inputs({x});
    w.set_outputs({y});
    const Status s = import_bytes(w.finish());
    CHECK(s.code() == StatusCode::kInvalidModel);
    CHECK_THAT(s.message(), Catch::Contains("operator 0") && Catch::Contains("opcode_index"));
  }
}

}  // namespace testing
}  // namespace lowbit
