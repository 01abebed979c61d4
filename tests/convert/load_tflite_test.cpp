// Model::from_tflite and Model::load: a .tflite loaded directly runs exactly
// like the .lbm lowbit-convert writes for it, and bad files are refused with
// their path and the reason.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "convert_test_util.h"
#include "support/model_runner.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

using ModelResult = Result<std::shared_ptr<const Model>>;

std::string temp_file(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("lowbit_load_tflite_" + std::to_string(::getpid()) + "_" + name))
                               .string();
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Every output's bytes after one invoke on inputs drawn from `seed`.
std::vector<std::vector<uint8_t>> run_seeded(const std::shared_ptr<const Model>& model,
                                             uint32_t seed, int threads) {
  InterpreterOptions options;
  options.num_threads = threads;
  Interpreter interpreter(model, options);
  const Status prepared = interpreter.prepare();
  INFO(prepared.to_string());
  REQUIRE(prepared.ok());
  std::mt19937 rng(seed);
  for (size_t i = 0; i < interpreter.num_inputs(); ++i) {
    const TensorView in = interpreter.input(i);
    uint8_t* bytes = static_cast<uint8_t*>(in.data);
    // Small floats for float inputs, any byte pattern for quantized ones.
    if (in.dtype() == DType::kFloat32) {
      std::uniform_real_distribution<float> value(-2.0f, 2.0f);
      float* values = reinterpret_cast<float*>(bytes);
      for (size_t k = 0; k < in.bytes / sizeof(float); ++k) values[k] = value(rng);
    } else {
      for (size_t k = 0; k < in.bytes; ++k) bytes[k] = static_cast<uint8_t>(rng());
    }
  }
  const Status invoked = interpreter.invoke();
  INFO(invoked.to_string());
  REQUIRE(invoked.ok());
  std::vector<std::vector<uint8_t>> outputs;
  for (size_t i = 0; i < interpreter.num_outputs(); ++i) {
    const TensorView out = interpreter.output(i);
    const uint8_t* p = static_cast<const uint8_t*>(out.data);
    outputs.emplace_back(p, p + out.bytes);
  }
  return outputs;
}

std::shared_ptr<const Model> require_model(ModelResult loaded) {
  INFO(loaded.status().to_string());
  REQUIRE(loaded.ok());
  return loaded.value();
}

// Float x [1,2,2,40] -> LceQuantize -> LceDequantize -> y: the sign of x as ±1.
std::vector<uint8_t> lce_sign_model() {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 2, 2, 40});
  const int bits = w.add_tensor("bits", kTflInt32, {1, 2, 2, 2});
  const int y = w.add_tensor("y", kTflFloat32, {1, 2, 2, 40});
  w.add_operator(w.custom_code("LceQuantize"), {x}, {bits});
  w.add_operator(w.custom_code("LceDequantize"), {bits}, {y});
  w.set_inputs({x});
  w.set_outputs({y});
  return w.finish();
}

}  // namespace

TEST_CASE("a .tflite loaded directly gives the bytes of its converted .lbm",
          "[convert][load_tflite]") {
  const std::string dir = require_models_dir();
  for (const char* name : {"tflite_micro/person_detect.tflite", "mlperf_tiny/kws_ref_model.tflite",
                           "coral/mobilenet_v1_0.25_128_quant.tflite",
                           "mlperf_tiny/ad01_fp32.tflite"}) {
    DYNAMIC_SECTION(name) {
      const std::string path = dir + "/" + name;
      const std::vector<uint8_t> tflite = read_binary_file(path);
      REQUIRE(!tflite.empty());
      const Converted converted = convert_only(tflite);
      INFO(converted.status.to_string());
      REQUIRE(converted.status.ok());
      const auto lbm = require_model(Model::from_buffer(converted.lbm.data(), converted.lbm.size()));
      const auto from_path = require_model(Model::from_tflite(path));
      const auto by_content = require_model(Model::load(path));
      std::shared_ptr<const Model> from_bytes;
      {
        // The model keeps nothing of the caller's buffer.
        std::vector<uint8_t> scratch = tflite;
        from_bytes = require_model(Model::from_tflite(scratch.data(), scratch.size()));
        std::fill(scratch.begin(), scratch.end(), uint8_t{0xAB});
      }
      CHECK(from_path->graph().operators.size() == lbm->graph().operators.size());
      for (uint32_t seed : {1u, 2u}) {
        const auto expected = run_seeded(lbm, seed, 1);
        CHECK(run_seeded(from_path, seed, 1) == expected);
        CHECK(run_seeded(from_bytes, seed, 2) == expected);
        CHECK(run_seeded(by_content, seed, 1) == expected);
      }
    }
  }
}

TEST_CASE("an LCE .tflite loads directly", "[convert][load_tflite][lce]") {
  const std::vector<uint8_t> tflite = lce_sign_model();
  const Converted converted = convert_only(tflite);
  INFO(converted.status.to_string());
  REQUIRE(converted.status.ok());
  const auto lbm = require_model(Model::from_buffer(converted.lbm.data(), converted.lbm.size()));
  const auto direct = require_model(Model::load(tflite.data(), tflite.size()));
  const auto expected = run_seeded(lbm, 3, 1);
  CHECK(run_seeded(direct, 3, 1) == expected);
  // The output really is a sign: every float ±1.
  REQUIRE(expected.size() == 1);
  const float* y = reinterpret_cast<const float*>(expected[0].data());
  for (size_t i = 0; i < expected[0].size() / sizeof(float); ++i) CHECK(std::abs(y[i]) == 1.0f);
}

TEST_CASE("Model::load tells .lbm from .tflite by content", "[convert][load_tflite]") {
  const std::vector<uint8_t> tflite = lce_sign_model();
  const Converted converted = convert_only(tflite);
  REQUIRE(converted.status.ok());
  // Names say nothing: a .lbm called .tflite and the reverse both load.
  const std::string lbm_named_tflite = temp_file("really_lbm.tflite", converted.lbm);
  const std::string tflite_named_lbm = temp_file("really_tflite.lbm", tflite);
  CHECK(require_model(Model::load(lbm_named_tflite))->graph().operators.size() == 2);
  CHECK(require_model(Model::load(tflite_named_lbm))->graph().operators.size() == 2);
  CHECK(require_model(Model::load(converted.lbm.data(), converted.lbm.size())) != nullptr);
  // from_tflite refuses a .lbm and says what to use.
  const ModelResult wrong = Model::from_tflite(converted.lbm.data(), converted.lbm.size());
  CHECK(wrong.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(wrong.status().message(), Catch::Contains(".lbm") && Catch::Contains("from_buffer"));
  std::remove(lbm_named_tflite.c_str());
  std::remove(tflite_named_lbm.c_str());
}

TEST_CASE("a bad .tflite is refused naming the file and the reason", "[convert][load_tflite]") {
  const std::vector<uint8_t> good = lce_sign_model();
  SECTION("truncated") {
    const std::string path = temp_file("truncated.tflite", {good.begin(), good.begin() + good.size() / 2});
    for (const ModelResult& r : {Model::from_tflite(path), Model::load(path)}) {
      CHECK(r.status().code() == StatusCode::kInvalidModel);
      CHECK_THAT(r.status().message(), Catch::StartsWith(path + ": not a valid TFLite model"));
    }
    std::remove(path.c_str());
  }
  SECTION("neither format") {
    const std::vector<uint8_t> junk(64, 0x5A);
    const ModelResult r = Model::from_tflite(junk.data(), junk.size());
    CHECK(r.status().code() == StatusCode::kInvalidModel);
    CHECK_THAT(r.status().message(), Catch::Contains("TFL3"));
    CHECK(Model::load(junk.data(), junk.size()).status().code() == StatusCode::kInvalidModel);
  }
  SECTION("missing file") {
    const ModelResult r = Model::from_tflite("/nonexistent/m.tflite");
    CHECK(r.status().code() == StatusCode::kIoError);
    CHECK_THAT(r.status().message(), Catch::Contains("/nonexistent/m.tflite"));
    CHECK(Model::load("/nonexistent/m.tflite").status().code() == StatusCode::kIoError);
  }
  SECTION("larger than max_model_bytes") {
    LoadOptions options;
    options.max_model_bytes = good.size() - 1;
    CHECK(Model::from_tflite(good.data(), good.size(), options).status().code() ==
          StatusCode::kResourceExhausted);
    const std::string path = temp_file("big.tflite", good);
    CHECK(Model::load(path, options).status().code() == StatusCode::kResourceExhausted);
    std::remove(path.c_str());
  }
  SECTION("unsupported operators") {
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflFloat32, {1, 8});
    const int y = w.add_tensor("y", kTflFloat32, {1, 8});
    w.add_operator(w.builtin_code(15), {x}, {y});  // LSH_PROJECTION
    w.set_inputs({x});
    w.set_outputs({y});
    const std::string path = temp_file("lsh.tflite", w.finish());
    const ModelResult r = Model::load(path);
    CHECK(r.status().code() == StatusCode::kUnsupported);
    CHECK_THAT(r.status().message(), Catch::StartsWith(path + ": unsupported operators: LSH_PROJECTION (x1)"));
    std::remove(path.c_str());
  }
}

}  // namespace testing
}  // namespace lowbit
