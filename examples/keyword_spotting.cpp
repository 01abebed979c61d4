// Keyword spotting: the MLPerf Tiny KWS model (DS-CNN, int8, converted from
// ../shared/models at build time) on its sample MFCC input; prints the
// recognised word and the scores.
//
//   build/bin/keyword_spotting [MODEL.lbm INPUT.bin]
// Fails, naming where it looked, when the public models are absent.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "example_support.h"

int main(int argc, char** argv) {
  const std::string shared = example::shared_models_dir();
  const std::string model_path = argc > 1 ? argv[1] : LOWBIT_KWS_MODEL;
  const std::string input_path = argc > 2 ? argv[2] : shared + "/mlperf_tiny/kws_sample_input_int8.bin";
  // MLPerf Tiny KWS class order (Speech Commands v2, 12 classes).
  const char* const kWords[] = {"down", "go",    "left", "no",      "off",    "on",
                                "right", "stop", "up",   "yes", "_silence_", "_unknown_"};

  // The .lbm is converted from the public models at build time, when they are there.
  if (!example::files_exist("keyword_spotting", {model_path, input_path})) return 1;
  std::ifstream f(input_path, std::ios::binary);
  const std::vector<char> features{std::istreambuf_iterator<char>(f), {}};

  auto model = lowbit::Model::from_file(model_path);
  if (!model.ok()) {
    std::fprintf(stderr, "keyword_spotting: %s\n", model.status().to_string().c_str());
    return 1;
  }
  lowbit::Interpreter interpreter(model.value());
  lowbit::Status status = interpreter.prepare();
  lowbit::TensorView input = interpreter.input(0);
  if (status.ok() && input.bytes != features.size()) {
    status = lowbit::Status(lowbit::StatusCode::kInvalidArgument,
                            input_path + " has " + std::to_string(features.size()) +
                                " bytes, input " + input.shape().to_string() + " needs " +
                                std::to_string(input.bytes));
  }
  if (status.ok()) {
    std::copy(features.begin(), features.end(), input.as<char>());
    status = interpreter.invoke();
  }
  if (!status.ok()) {
    std::fprintf(stderr, "keyword_spotting: %s\n", status.to_string().c_str());
    return 1;
  }

  lowbit::TensorView out = interpreter.output(0);
  const lowbit::Quantization& q = out.desc->quant;
  const int n = static_cast<int>(out.shape().num_elements());
  if (out.dtype() != lowbit::DType::kInt8 || q.empty() || n != 12) {
    std::fprintf(stderr, "keyword_spotting: expected 12 int8 scores, got %s %s\n",
                 lowbit::dtype_name(out.dtype()), out.shape().to_string().c_str());
    return 1;
  }
  int best = 0;
  for (int i = 0; i < n; ++i) {
    const float p = q.scales[0] * float(out.as<int8_t>()[i] - q.zero_points[0]);
    std::printf("  %-10s %.3f\n", kWords[i], p);
    if (out.as<int8_t>()[i] > out.as<int8_t>()[best]) best = i;
  }
  std::printf("heard: \"%s\"\n", kWords[best]);
  return 0;
}
