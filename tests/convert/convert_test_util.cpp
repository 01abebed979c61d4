#include "convert_test_util.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <iterator>

#include "support/model_runner.h"

namespace lowbit {
namespace testing {

std::vector<uint8_t> read_binary_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string require_models_dir() {
  const std::string dir = shared_models_dir();
  if (dir.empty()) {
    FAIL("the shared models folder (../shared/models beside the source tree) is missing; "
         "set LOWBIT_MODELS_DIR to the folder holding the real .tflite models");
  }
  return dir;
}

Result<GraphDesc> import_graph(const std::vector<uint8_t>& tflite) {
  ModelBuilder builder;
  ConversionSummary summary;
  const Status status = import_tflite(tflite.data(), tflite.size(), &builder, &summary);
  if (!status.ok()) return status;
  return builder.graph();
}

Converted convert_only(const std::vector<uint8_t>& tflite) {
  Converted c;
  ModelBuilder builder;
  c.status = import_tflite(tflite.data(), tflite.size(), &builder, &c.summary);
  if (!c.status.ok()) {
    c.stage = "convert";
    return c;
  }
  Result<std::vector<uint8_t>> bytes = builder.finish();
  if (!bytes.ok()) {
    c.status = bytes.status();
    c.stage = "serialize";
    return c;
  }
  c.lbm = std::move(bytes.value());
  return c;
}

Converted convert_and_prepare(const std::vector<uint8_t>& tflite, const InterpreterOptions& options) {
  Converted c = convert_only(tflite);
  if (!c.status.ok()) return c;
  // from_buffer copies a misaligned buffer, so c.lbm may move freely afterwards.
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(c.lbm.data(), c.lbm.size());
  if (!model.ok()) {
    c.status = model.status();
    c.stage = "load";
    return c;
  }
  c.model = model.value();
  c.interpreter = std::make_unique<Interpreter>(c.model, options);
  c.status = c.interpreter->prepare();
  if (!c.status.ok()) c.stage = "prepare";
  return c;
}

bool fill_input(Interpreter& interp, size_t i, const std::vector<uint8_t>& bytes) {
  const TensorView in = interp.input(i);
  if (in.bytes != bytes.size()) return false;
  if (!bytes.empty()) std::memcpy(in.data, bytes.data(), bytes.size());
  return true;
}

std::vector<float> dequantized_output(const Interpreter& interp, size_t i) {
  const TensorView out = interp.output(i);
  const Quantization& q = out.desc->quant;
  const float scale = q.scales.empty() ? 1.0f : q.scales[0];
  const int32_t zp = q.zero_points.empty() ? 0 : q.zero_points[0];
  std::vector<float> values;
  if (out.dtype() == DType::kInt8) {
    for (int8_t v : output_values<int8_t>(interp, i)) values.push_back(scale * (v - zp));
  } else if (out.dtype() == DType::kUInt8) {
    for (uint8_t v : output_values<uint8_t>(interp, i)) values.push_back(scale * (v - zp));
  } else if (out.dtype() == DType::kFloat32) {
    values = output_values<float>(interp, i);
  }
  return values;
}

}  // namespace testing
}  // namespace lowbit
