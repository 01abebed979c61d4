// The real, trained models in ../shared/models: every one converts, loads,
// prepares and runs, and the known answers from its README hold.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include "convert_test_util.h"

namespace lowbit {
namespace testing {
namespace {

namespace fs = std::filesystem;

// zoo/ holds the real-world models the coverage issues name (segmentation,
// pose, detection, recurrent and 16-bit audio); most do not run yet, so they
// have their own test below instead of being part of "every model".
std::vector<std::string> all_tflite_models(const std::string& dir, bool zoo) {
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string relative = fs::relative(entry.path(), dir).string();
    const bool in_zoo = relative.rfind("zoo/", 0) == 0;
    if (entry.is_regular_file() && entry.path().extension() == ".tflite" && in_zoo == zoo) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Converts, prepares and feeds zeros-of-the-right-size; REQUIREs each step.
Converted ready_model(const std::string& relative_path, const InterpreterOptions& options = {}) {
  const std::string path = require_models_dir() + "/" + relative_path;
  const std::vector<uint8_t> tflite = read_binary_file(path);
  INFO(path);
  REQUIRE(!tflite.empty());
  Converted c = convert_and_prepare(tflite, options);
  INFO("stage " << c.stage << ": " << c.status.to_string());
  REQUIRE(c.status.ok());
  return c;
}

std::vector<uint8_t> read_input(const std::string& relative_path) {
  const std::string path = require_models_dir() + "/" + relative_path;
  std::vector<uint8_t> bytes = read_binary_file(path);
  INFO(path);
  REQUIRE(!bytes.empty());
  return bytes;
}

size_t argmax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

std::vector<float> run_with(Converted& c, const std::vector<uint8_t>& input) {
  REQUIRE(fill_input(*c.interpreter, 0, input));
  const Status status = c.interpreter->invoke();
  INFO(status.to_string());
  REQUIRE(status.ok());
  return dequantized_output(*c.interpreter, 0);
}

Status invoke_on_zeros(Converted& c) {
  for (size_t i = 0; i < c.interpreter->num_inputs(); ++i) {
    const TensorView in = c.interpreter->input(i);
    if (in.bytes) std::memset(in.data, 0, in.bytes);
  }
  return c.interpreter->invoke();
}

}  // namespace

TEST_CASE("every shared TFLite model converts and serializes", "[convert][models]") {
  const std::vector<std::string> paths = all_tflite_models(require_models_dir(), false);
  // The README lists twelve models; fewer means the folder is incomplete.
  REQUIRE(paths.size() >= 12);
  for (const std::string& path : paths) {
    DYNAMIC_SECTION(fs::path(path).filename().string()) {
      const Converted c = convert_only(read_binary_file(path));
      INFO("stage " << c.stage << ": " << c.status.to_string());
      REQUIRE(c.status.ok());
      CHECK(!c.lbm.empty());
      CHECK(!c.summary.operators_by_kind.empty());
      CHECK(c.summary.weight_bytes_after > 0);
      CHECK(c.summary.int8_macs + c.summary.float_macs > 0);
    }
  }
}

TEST_CASE("every converted model loads, prepares and runs", "[convert][models]") {
  const std::vector<std::string> paths = all_tflite_models(require_models_dir(), false);
  REQUIRE(paths.size() >= 12);
  for (const std::string& path : paths) {
    DYNAMIC_SECTION(fs::path(path).filename().string()) {
      Converted c = convert_and_prepare(read_binary_file(path));
      INFO("stage " << c.stage << ": " << c.status.to_string());
      REQUIRE(c.status.ok());
      const Status status = invoke_on_zeros(c);
      INFO(status.to_string());
      CHECK(status.ok());
    }
  }
}

// Until the vision and audio issues land, a zoo model either runs or is
// refused with an error that names the operator or tensor at fault: never a
// crash, never a bare "failed". A model that starts to run passes too, and
// then belongs in the tests of its issue.
TEST_CASE("zoo models run or are refused naming the operator or tensor", "[convert][models]") {
  const std::vector<std::string> paths = all_tflite_models(require_models_dir(), true);
  // zoo/README lists 7 coral and tflite_micro models plus 32 seanet ones.
  REQUIRE(paths.size() >= 30);
  for (const std::string& path : paths) {
    DYNAMIC_SECTION(fs::path(path).filename().string()) {
      Converted c = convert_and_prepare(read_binary_file(path));
      if (c.status.ok()) {
        const Status status = invoke_on_zeros(c);
        INFO(status.to_string());
        CHECK(status.ok());
      } else {
        const std::string message = c.status.to_string();
        INFO("stage " << c.stage << ": " << message);
        // Legacy uint8 ADD is refused at load as an inconsistent model today
        // (issue 14 makes it run); nothing else may come back.
        CHECK((c.status.code() == StatusCode::kUnsupported ||
               c.status.code() == StatusCode::kInvalidModel));
        CHECK((message.find("operator ") != std::string::npos ||
               message.find("tensor ") != std::string::npos));
        // Operators by their TFLite names, every missing kind listed up front.
        CHECK(message.find("BUILTIN_") == std::string::npos);
        if (message.find(") is not supported") != std::string::npos) {
          CHECK_THAT(message, Catch::Contains("unsupported operators: "));
        }
      }
    }
  }
}

TEST_CASE("MobileNetV2 MAC count matches the published 300.8 M", "[convert][models]") {
  const Converted c =
      convert_only(read_binary_file(require_models_dir() + "/coral/tf2_mobilenet_v2_1.0_224_ptq.tflite"));
  REQUIRE(c.status.ok());
  CHECK(c.summary.int8_macs >= 300'000'000u);
  CHECK(c.summary.int8_macs <= 301'600'000u);
  CHECK(c.summary.float_macs == 0);
  CHECK(c.summary.operators_by_kind.at("CONV_2D") == 36);
  CHECK(c.summary.operators_by_kind.at("DEPTHWISE_CONV_2D") == 17);
  CHECK(c.summary.operators_by_kind.at("ADD") == 10);
  CHECK(c.summary.operators_by_kind.at("QUANTIZE") == 2);
}

TEST_CASE("person_detect tells person from no person", "[convert][models][known_answer]") {
  Converted c = ready_model("tflite_micro/person_detect.tflite");
  REQUIRE(c.interpreter->output(0).shape() == Shape({1, 2}));
  // Output 0 is "no person", output 1 "person" (TFLite Micro's person_detection).
  const std::vector<float> person = run_with(c, read_input("tflite_micro/person_96x96_int8.bin"));
  CAPTURE(person);
  CHECK(person[1] > person[0]);
  const std::vector<float> nobody = run_with(c, read_input("tflite_micro/no_person_96x96_int8.bin"));
  CAPTURE(nobody);
  CHECK(nobody[0] > nobody[1]);
}

TEST_CASE("person_detect gives identical bytes on 1 and 2 threads", "[convert][models]") {
  InterpreterOptions two;
  two.num_threads = 2;
  Converted single = ready_model("tflite_micro/person_detect.tflite");
  Converted multi = ready_model("tflite_micro/person_detect.tflite", two);
  const std::vector<uint8_t> input = read_input("tflite_micro/person_96x96_int8.bin");
  run_with(single, input);
  run_with(multi, input);
  CHECK(output_values<int8_t>(*single.interpreter, 0) == output_values<int8_t>(*multi.interpreter, 0));
}

TEST_CASE("micro_speech hears yes and no", "[convert][models][known_answer]") {
  Converted c = ready_model("tflite_micro/micro_speech_quantized.tflite");
  REQUIRE(c.interpreter->output(0).shape() == Shape({1, 4}));
  const std::vector<float> yes = run_with(c, read_input("tflite_micro/micro_speech_yes_1x1960_int8.bin"));
  CAPTURE(yes);
  CHECK(argmax(yes) == 2);
  const std::vector<float> no = run_with(c, read_input("tflite_micro/micro_speech_no_1x1960_int8.bin"));
  CAPTURE(no);
  CHECK(argmax(no) == 3);
}

TEST_CASE("hello_world int8 approximates sin(x)", "[convert][models][known_answer]") {
  Converted c = ready_model("tflite_micro/hello_world_int8.tflite");
  const TensorView in = c.interpreter->input(0);
  REQUIRE(in.dtype() == DType::kInt8);
  REQUIRE(in.desc->quant.scales.size() == 1);
  for (int8_t q : {int8_t(-96), int8_t(-63), int8_t(-34), int8_t(0)}) {
    const float x = in.desc->quant.scales[0] * (q - in.desc->quant.zero_points[0]);
    const std::vector<float> y = run_with(c, {static_cast<uint8_t>(q)});
    CAPTURE(int(q), x, y);
    REQUIRE(y.size() == 1);
    CHECK(std::fabs(y[0] - std::sin(x)) <= 0.05f);
  }
}

TEST_CASE("hello_world float approximates sin(x)", "[convert][models][known_answer][float]") {
  Converted c = ready_model("tflite_micro/hello_world_float.tflite");
  REQUIRE(c.interpreter->input(0).dtype() == DType::kFloat32);
  for (float x : {0.77f, 1.57f, 2.3f, 3.14f}) {
    std::vector<uint8_t> bytes(sizeof(float));
    std::memcpy(bytes.data(), &x, sizeof(float));
    const std::vector<float> y = run_with(c, bytes);
    CAPTURE(x, y);
    REQUIRE(y.size() == 1);
    CHECK(std::fabs(y[0] - std::sin(x)) <= 0.05f);
  }
}

TEST_CASE("MobileNetV2 sees an Egyptian cat", "[convert][models][known_answer]") {
  const std::vector<uint8_t> cat = read_input("coral/resized_cat_224x224_rgb_u8.raw");
  // The answer is a property of the model: every requantization profile keeps it.
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kXnnpackFp32, RequantProfile::kTfliteOptimized}) {
    DYNAMIC_SECTION(requant_profile_name(profile)) {
      InterpreterOptions options;
      options.profile = profile;
      Converted c = ready_model("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite", options);
      const TensorView in = c.interpreter->input(0);
      REQUIRE(in.dtype() == DType::kUInt8);
      REQUIRE(in.shape() == Shape({1, 224, 224, 3}));
      REQUIRE(c.interpreter->output(0).shape() == Shape({1, 1001}));
      const std::vector<float> scores = run_with(c, cat);
      const size_t top = argmax(scores);
      CAPTURE(top, scores[top], scores[286]);
      CHECK(top == 286);
      CHECK(scores[286] >= 0.6f);
    }
  }
}

// Bilinear resize of an HWC uint8 image (pixel centres aligned).
std::vector<uint8_t> resize_rgb(const std::vector<uint8_t>& image, int from, int to) {
  std::vector<uint8_t> out(static_cast<size_t>(to) * to * 3);
  const double ratio = static_cast<double>(from) / to;
  for (int y = 0; y < to; ++y)
    for (int x = 0; x < to; ++x) {
      const double sy = std::max(0.0, (y + 0.5) * ratio - 0.5), sx = std::max(0.0, (x + 0.5) * ratio - 0.5);
      const int y0 = static_cast<int>(sy), x0 = static_cast<int>(sx);
      const int y1 = std::min(from - 1, y0 + 1), x1 = std::min(from - 1, x0 + 1);
      const double fy = sy - y0, fx = sx - x0;
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int yy, int xx) { return static_cast<double>(image[(yy * from + xx) * 3 + c]); };
        const double v = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) +
                         fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
        out[(y * to + x) * 3 + c] = static_cast<uint8_t>(v + 0.5);
      }
    }
  return out;
}

// Not a README answer: our own check that the legacy uint8 path (asymmetric
// per-tensor weights, uint8 SOFTMAX lowered through int8) still classifies.
// Classes 282..286 are the five domestic cats (tabby ... Egyptian cat).
TEST_CASE("legacy uint8 MobileNetV1 0.25 sees a cat in the resized cat image",
          "[convert][models]") {
  Converted c = ready_model("coral/mobilenet_v1_0.25_128_quant.tflite");
  REQUIRE(c.interpreter->input(0).shape() == Shape({1, 128, 128, 3}));
  const std::vector<uint8_t> cat = read_input("coral/resized_cat_224x224_rgb_u8.raw");
  REQUIRE(cat.size() == 224u * 224u * 3u);
  const std::vector<float> scores = run_with(c, resize_rgb(cat, 224, 128));
  const size_t top = argmax(scores);
  CAPTURE(top, scores[top]);
  CHECK(top >= 282);
  CHECK(top <= 286);
}

TEST_CASE("MLPerf Tiny int8 models produce outputs of the right shape", "[convert][models]") {
  struct Case {
    const char* model;
    Shape input, output;
    bool softmax;
  };
  const Case cases[] = {
      {"mlperf_tiny/kws_ref_model.tflite", Shape({1, 49, 10, 1}), Shape({1, 12}), true},
      {"mlperf_tiny/vww_96_int8.tflite", Shape({1, 96, 96, 3}), Shape({1, 2}), true},
      {"mlperf_tiny/ad01_int8.tflite", Shape({1, 640}), Shape({1, 640}), false},
  };
  for (const Case& k : cases) {
    DYNAMIC_SECTION(k.model) {
      Converted c = ready_model(k.model);
      const TensorView in = c.interpreter->input(0);
      CHECK(in.dtype() == DType::kInt8);
      CHECK(in.shape() == k.input);
      CHECK(c.interpreter->output(0).shape() == k.output);
      std::vector<uint8_t> input(in.bytes);
      if (std::string(k.model).find("kws") != std::string::npos) {
        input = read_input("mlperf_tiny/kws_sample_input_int8.bin");
      } else {
        // A smooth ramp: real-looking rather than all-equal input.
        for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 7 % 256);
      }
      const std::vector<float> out = run_with(c, input);
      REQUIRE(out.size() == static_cast<size_t>(k.output.num_elements()));
      if (k.softmax) {
        const float sum = std::accumulate(out.begin(), out.end(), 0.0f);
        CHECK(sum == Approx(1.0f).margin(0.05));
      }
    }
  }
}

TEST_CASE("MLPerf Tiny float models run with the right shapes", "[convert][models][float]") {
  struct Case {
    const char* model;
    Shape input, output;
  };
  const Case cases[] = {
      {"mlperf_tiny/kws_ref_model_float32.tflite", Shape({1, 49, 10, 1}), Shape({1, 12})},
      {"mlperf_tiny/vww_96_float.tflite", Shape({1, 96, 96, 3}), Shape({1, 2})},
      {"mlperf_tiny/ad01_fp32.tflite", Shape({1, 640}), Shape({1, 640})},
  };
  for (const Case& k : cases) {
    DYNAMIC_SECTION(k.model) {
      Converted c = ready_model(k.model);
      const TensorView in = c.interpreter->input(0);
      CHECK(in.dtype() == DType::kFloat32);
      CHECK(in.shape() == k.input);
      CHECK(c.interpreter->output(0).shape() == k.output);
      std::vector<float> values(in.bytes / sizeof(float));
      for (size_t i = 0; i < values.size(); ++i) values[i] = std::sin(0.01f * i);
      std::vector<uint8_t> bytes(in.bytes);
      std::memcpy(bytes.data(), values.data(), bytes.size());
      const std::vector<float> out = run_with(c, bytes);
      REQUIRE(out.size() == static_cast<size_t>(k.output.num_elements()));
      for (float v : out) CHECK(std::isfinite(v));
    }
  }
}

TEST_CASE("kws float and int8 agree on the sample input's top class", "[convert][models][float]") {
  Converted q = ready_model("mlperf_tiny/kws_ref_model.tflite");
  Converted f = ready_model("mlperf_tiny/kws_ref_model_float32.tflite");
  const std::vector<uint8_t> sample = read_input("mlperf_tiny/kws_sample_input_int8.bin");
  const Quantization& in_q = q.interpreter->input(0).desc->quant;
  REQUIRE(in_q.scales.size() == 1);
  std::vector<float> real(sample.size());
  for (size_t i = 0; i < sample.size(); ++i) {
    real[i] = in_q.scales[0] * (static_cast<int8_t>(sample[i]) - in_q.zero_points[0]);
  }
  std::vector<uint8_t> real_bytes(real.size() * sizeof(float));
  std::memcpy(real_bytes.data(), real.data(), real_bytes.size());
  const std::vector<float> int8_scores = run_with(q, sample);
  const std::vector<float> float_scores = run_with(f, real_bytes);
  CAPTURE(int8_scores, float_scores);
  CHECK(argmax(int8_scores) == argmax(float_scores));
}

}  // namespace testing
}  // namespace lowbit
