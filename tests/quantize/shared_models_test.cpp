// End to end: quantize the MLPerf Tiny float models (KWS, VWW) with a small
// calibration set made from the project's sample inputs, and compare with
// the int8 models MLPerf Tiny ships on the known-answer inputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>

#include "quantize/graph_runner.h"
#include "quantize/quantize_test_util.h"
#include "support/model_runner.h"

namespace lowbit {
namespace {

using quantize::Sample;

std::string models_dir() {
  const std::string dir = testing::shared_models_dir();
  if (dir.empty()) {
    FAIL("the shared models are absent: looked in $LOWBIT_MODELS_DIR and " LOWBIT_SOURCE_DIR
         "/../shared/models");
  }
  return dir;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  INFO(path);
  REQUIRE(f.good());
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

size_t argmax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Graph output 0 of `model` for a float sample (int8 inputs quantized with
// the model's own input quantization, int8 outputs dequantized).
std::vector<float> run_once(const std::shared_ptr<const Model>& model, const Sample& sample) {
  Interpreter interp(model, InterpreterOptions{});
  REQUIRE(interp.prepare().ok());
  const TensorView in = interp.input(0);
  const Quantization& q = in.desc->quant;
  for (size_t i = 0; i < sample[0].size(); ++i) {
    if (in.dtype() == DType::kInt8) {
      in.as<int8_t>()[i] = quantize::quantize_value(sample[0][i], q.scales[0], q.zero_points[0]);
    } else {
      in.as<float>()[i] = sample[0][i];
    }
  }
  REQUIRE(interp.invoke().ok());
  const TensorView out = interp.output(0);
  const size_t n = static_cast<size_t>(out.shape().num_elements());
  if (out.dtype() == DType::kInt8) {
    return quantize::dequantize_int8(out.as<int8_t>(), n, out.desc->quant);
  }
  return std::vector<float>(out.as<float>(), out.as<float>() + n);
}

std::shared_ptr<const Model> load(const std::string& path) {
  Result<std::shared_ptr<const Model>> m = Model::load(path);
  INFO(m.status().to_string());
  REQUIRE(m.ok());
  return m.value();
}

// Quantizes `float_path` on `calibration`, then checks on each known input
// that the result's top class is the shipped int8 model's.
void compare_with_shipped(const std::string& float_path, const std::string& int8_path,
                          const std::vector<Sample>& calibration,
                          const std::vector<Sample>& known, double min_output_sqnr_db) {
  const std::shared_ptr<const Model> float_model = load(float_path);
  const std::shared_ptr<const Model> shipped = load(int8_path);
  Result<quantize::QuantizeResult> q =
      quantize::quantize_graph(float_model->graph(), calibration, quantize::QuantizeOptions{});
  INFO(q.status().to_string());
  REQUIRE(q.ok());
  INFO("calibration-set output SQNR " << q->report.output_sqnr_db << " dB");
  CHECK(q->report.output_sqnr_db > min_output_sqnr_db);
  Result<std::shared_ptr<const Model>> ours = Model::from_buffer(q->model.data(), q->model.size());
  REQUIRE(ours.ok());
  // Bit-identical in the reference and the auto (SIMD) kernel sets.
  const quantize_test::QuantizedRun ref = quantize_test::run_quantized(q->model, known, "reference");
  CHECK(ref.bytes == quantize_test::run_quantized(q->model, known, "auto").bytes);
  for (size_t k = 0; k < known.size(); ++k) {
    const std::vector<float> f = run_once(float_model, known[k]);
    const std::vector<float> a = run_once(ours.value(), known[k]);
    const std::vector<float> b = run_once(shipped, known[k]);
    INFO("known input " << k << ": float top " << argmax(f) << " (" << f[argmax(f)] << "), ours "
                        << argmax(a) << " (" << a[argmax(a)] << "), shipped int8 " << argmax(b)
                        << " (" << b[argmax(b)] << ")");
    CHECK(argmax(a) == argmax(b));
    CHECK(argmax(a) == argmax(f));
  }
}

TEST_CASE("KWS float model quantizes to agree with MLPerf Tiny's int8 model",
          "[quantize][models]") {
  const std::string dir = models_dir() + "/mlperf_tiny/";
  // The shipped sample is int8 in the int8 model's input quantization.
  const std::vector<uint8_t> raw = read_bytes(dir + "kws_sample_input_int8.bin");
  const std::shared_ptr<const Model> shipped = load(dir + "kws_ref_model.tflite");
  const Quantization& in_q = shipped->graph().tensors[shipped->graph().inputs[0]].quant;
  std::vector<float> mfcc(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const int q = static_cast<int8_t>(raw[i]);
    mfcc[i] = in_q.scales[0] * static_cast<float>(q - in_q.zero_points[0]);
  }
  // Synthetic variants: gain, noise and time shifts of the one sample.
  std::mt19937 rng(12);
  std::normal_distribution<float> noise(0.0f, 2.0f);
  std::uniform_real_distribution<float> gain(0.75f, 1.25f);
  std::vector<Sample> calibration = {{mfcc}};
  for (int i = 0; i < 15; ++i) {
    std::vector<float> v(mfcc.size());
    const int shift = (i % 5) - 2;  // frames of 10 coefficients
    const float g = gain(rng);
    for (size_t k = 0; k < v.size(); ++k) {
      const long src = static_cast<long>(k) + shift * 10;
      const float base = src >= 0 && src < static_cast<long>(v.size()) ? mfcc[src] : mfcc[k];
      v[k] = base * g + noise(rng);
    }
    calibration.push_back({v});
  }
  // 20 dB: KWS's own calibration set is not available, and the ranges come
  // from one utterance and its variants.
  // The known input is the shipped sample (the synthetic variants sit near
  // decision boundaries where even float and the shipped int8 model differ).
  compare_with_shipped(dir + "kws_ref_model_float32.tflite", dir + "kws_ref_model.tflite",
                       calibration, {calibration[0]}, 20.0);
}

TEST_CASE("VWW float model quantizes to agree with MLPerf Tiny's int8 model",
          "[quantize][models]") {
  const std::string dir = models_dir();
  // Person / no-person: 96x96 grayscale, int8 = pixel - 128; the cat: 224x224 RGB.
  auto gray_image = [&](const std::string& name) {
    const std::vector<uint8_t> raw = read_bytes(dir + "/tflite_micro/" + name);
    std::vector<float> rgb;
    for (uint8_t q : raw) {
      const float pixel = (static_cast<int8_t>(q) + 128) / 255.0f;
      rgb.insert(rgb.end(), {pixel, pixel, pixel});
    }
    return rgb;
  };
  const std::vector<uint8_t> cat = read_bytes(dir + "/coral/resized_cat_224x224_rgb_u8.raw");
  std::vector<float> cat96;
  for (int y = 0; y < 96; ++y) {
    for (int x = 0; x < 96; ++x) {
      const size_t pixel = static_cast<size_t>((y * 224 / 96) * 224 + x * 224 / 96) * 3;
      for (int c = 0; c < 3; ++c) cat96.push_back(cat[pixel + c] / 255.0f);
    }
  }
  const std::vector<std::vector<float>> images = {gray_image("person_96x96_int8.bin"),
                                                  gray_image("no_person_96x96_int8.bin"), cat96};
  std::vector<Sample> calibration;
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 0.03f);
  for (const auto& image : images) {
    calibration.push_back({image});
    for (float gain : {0.6f, 1.3f}) {  // darker, brighter (clipped), mirrored, noisy
      std::vector<float> v(image.size());
      for (int y = 0; y < 96; ++y) {
        for (int x = 0; x < 96; ++x) {
          for (int c = 0; c < 3; ++c) {
            const float p = image[(y * 96 + (95 - x)) * 3 + c] * gain + noise(rng);
            v[(y * 96 + x) * 3 + c] = std::clamp(p, 0.0f, 1.0f);
          }
        }
      }
      calibration.push_back({v});
    }
  }
  compare_with_shipped(dir + "/mlperf_tiny/vww_96_float.tflite",
                       dir + "/mlperf_tiny/vww_96_int8.tflite", calibration,
                       {calibration[0], calibration[3], calibration[6]}, 15.0);
}

}  // namespace
}  // namespace lowbit
