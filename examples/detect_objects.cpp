// Object detection: an SSD (Coral's AutoML traffic model, uint8, ending in
// TFLite's TFLite_Detection_PostProcess) loaded straight from its .tflite.
// Prints the detections (class, score, box), checks they are well formed,
// and prints a checksum of all of them for comparing runs and runtimes.
//
//   build/bin/detect_objects [MODEL.tflite IMAGE [MIN_SCORE]]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "image_support.h"

namespace {

const char* const kProgram = "detect_objects";
// TFLite_Detection_PostProcess decodes boxes against anchors without
// clipping: a box on the image edge may stray this far outside [0, 1].
constexpr float kEdgeMargin = 0.05f;

struct Detections {
  int count = 0, slots = 0;
  const float* boxes = nullptr;  // [slots][4]: ymin, xmin, ymax, xmax in [0,1] of the image
  const float* classes = nullptr;
  const float* scores = nullptr;  // sorted, highest first
};

// The post-processing's four outputs come first, in TFLite's order: boxes,
// classes, scores, count. Any further outputs (this model's LSTM state) follow.
bool read_detections(const lowbit::Interpreter& interpreter, Detections* d) {
  for (size_t i = 0; i < 4; ++i) {
    if (i >= interpreter.num_outputs() || interpreter.output(i).dtype() != lowbit::DType::kFloat32) {
      std::fprintf(stderr, "%s: expected four float32 outputs (boxes, classes, scores, count)\n",
                   kProgram);
      return false;
    }
  }
  d->slots = static_cast<int>(interpreter.output(1).shape().num_elements());
  if (interpreter.output(0).shape().num_elements() != 4 * int64_t{d->slots} ||
      interpreter.output(2).shape().num_elements() != d->slots) {
    std::fprintf(stderr, "%s: boxes, classes and scores disagree on the number of slots\n", kProgram);
    return false;
  }
  const lowbit::TensorView count = interpreter.output(3);
  // Range-checked before the conversion: a NaN or huge float has no int.
  const float found = count.shape().num_elements() == 1 ? count.as<float>()[0] : -1.0f;
  if (!(found >= 0 && found <= float(d->slots))) {
    std::fprintf(stderr, "%s: the detection count is not a number in 0..%d\n", kProgram, d->slots);
    return false;
  }
  d->count = static_cast<int>(found);
  d->boxes = interpreter.output(0).as<float>();
  d->classes = interpreter.output(1).as<float>();
  d->scores = interpreter.output(2).as<float>();
  return true;
}

// What any correct SSD output satisfies; the name of the first broken rule or nullptr.
const char* malformed(const Detections& d) {
  if (d.count == 0) return "nothing was detected";
  for (int i = 0; i < d.count; ++i) {
    const float* b = d.boxes + 4 * i;
    if (!(d.scores[i] >= 0 && d.scores[i] <= 1)) return "a score is outside [0, 1]";
    if (i > 0 && d.scores[i] > d.scores[i - 1]) return "the scores are not sorted";
    const float c = d.classes[i];
    if (!(c >= 0 && c < 65536 && c == std::floor(c))) return "a class is not an index";
    if (!(b[0] < b[2] && b[1] < b[3])) return "a box has min >= max";
    for (int k = 0; k < 4; ++k) {
      if (!(b[k] >= -kEdgeMargin && b[k] <= 1 + kEdgeMargin)) return "a box lies outside the image";
    }
  }
  return nullptr;
}

// FNV-1a (64-bit) over the bytes of every detection found: equal checksums
// mean bit-identical boxes, classes and scores.
uint64_t checksum(const Detections& d) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto add = [&](const float* values, int n) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(values);
    for (size_t i = 0; i < sizeof(float) * size_t(n); ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  };
  add(d.boxes, 4 * d.count);
  add(d.classes, d.count);
  add(d.scores, d.count);
  return hash;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string zoo = example::shared_models_dir() + "/zoo/coral/";
  const std::string model_path = argc > 1 ? argv[1] : zoo + "traffic_model.tflite";
  const std::string image_path = argc > 2 ? argv[2] : zoo + "0001.bmp";
  const float min_score = argc > 3 ? std::strtof(argv[3], nullptr) : 0.25f;
  if (!example::files_exist(kProgram, {model_path, image_path})) return 1;

  const example::Image image = example::read_image(kProgram, image_path, 3);
  auto interpreter = example::load_interpreter(kProgram, model_path);
  if (image.pixels.empty() || !interpreter) return 1;
  // The image input is quantized with zero point 128 and scale 1/128, so raw
  // RGB bytes are its encoding. This video model also takes its LSTM state
  // from the previous frame; a single image starts from the zero state.
  for (size_t i = 1; i < interpreter->num_inputs(); ++i) {
    const lowbit::TensorView state = interpreter->input(i);
    const lowbit::Quantization& q = state.desc->quant;
    std::memset(state.data, q.empty() ? 0 : q.zero_points[0], state.bytes);
  }
  if (!example::fill_rgb_input(kProgram, image, interpreter->input(0)) ||
      !example::report(kProgram, interpreter->invoke())) {
    return 1;
  }

  Detections d;
  if (!read_detections(*interpreter, &d)) return 1;
  if (const char* problem = malformed(d)) {
    std::fprintf(stderr, "%s: implausible detections: %s\n", kProgram, problem);
    return 1;
  }
  std::printf("%d detections, those with score >= %.2f:\n", d.count, min_score);
  for (int i = 0; i < d.count && d.scores[i] >= min_score; ++i) {
    const float* b = d.boxes + 4 * i;
    std::printf("  class %d score %.6f box y %.6f..%.6f x %.6f..%.6f\n", int(d.classes[i]),
                d.scores[i], b[0], b[2], b[1], b[3]);
  }
  std::printf("checksum of all %d detections: %016llx\n", d.count,
              static_cast<unsigned long long>(checksum(d)));
  return 0;
}
