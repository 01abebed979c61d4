// Image classification: MobileNetV2 (int8 post-training quantized, converted
// from ../shared/models at build time) on the 224x224 cat photo; prints the
// top-5 ImageNet labels.
//
//   build/bin/classify_image [MODEL.lbm IMAGE.raw LABELS.txt]
// Fails, naming where it looked, when the public models are absent.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "example_support.h"

namespace {

bool read_bytes(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), {});
  return true;
}

// Dequantized scores of a uint8/int8/float output.
std::vector<float> scores(const lowbit::TensorView& out) {
  const lowbit::Quantization& q = out.desc->quant;
  const size_t n = static_cast<size_t>(out.shape().num_elements());
  std::vector<float> s(n);
  for (size_t i = 0; i < n; ++i) {
    if (out.dtype() == lowbit::DType::kFloat32) {
      s[i] = out.as<float>()[i];
      continue;
    }
    const int v = out.dtype() == lowbit::DType::kUInt8 ? out.as<uint8_t>()[i] : out.as<int8_t>()[i];
    s[i] = q.empty() ? float(v) : q.scales[0] * float(v - q.zero_points[0]);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string shared = example::shared_models_dir();
  const std::string model_path = argc > 1 ? argv[1] : LOWBIT_CLASSIFY_MODEL;
  const std::string image_path = argc > 2 ? argv[2] : shared + "/coral/resized_cat_224x224_rgb_u8.raw";
  const std::string labels_path = argc > 3 ? argv[3] : shared + "/coral/imagenet_labels.txt";

  // The .lbm is converted from the public models at build time, when they are there.
  if (!example::files_exist("classify_image", {model_path, image_path, labels_path})) return 1;
  std::vector<uint8_t> image;
  if (!read_bytes(image_path, &image)) return 1;
  auto model = lowbit::Model::from_file(model_path);
  if (!model.ok()) {
    std::fprintf(stderr, "classify_image: %s\n", model.status().to_string().c_str());
    return 1;
  }
  lowbit::Interpreter interpreter(model.value());
  if (lowbit::Status s = interpreter.prepare(); !s.ok()) {
    std::fprintf(stderr, "classify_image: %s\n", s.to_string().c_str());
    return 1;
  }
  lowbit::TensorView input = interpreter.input(0);
  if (input.bytes != image.size() || (input.dtype() != lowbit::DType::kUInt8 &&
                                      input.dtype() != lowbit::DType::kInt8)) {
    std::fprintf(stderr, "classify_image: input %s %s needs %zu bytes; %s has %zu\n",
                 input.name().c_str(), input.shape().to_string().c_str(), input.bytes,
                 image_path.c_str(), image.size());
    return 1;
  }
  // The photo is RGB uint8; an int8 model takes the same pixels shifted by 128.
  for (size_t i = 0; i < image.size(); ++i) {
    input.as<uint8_t>()[i] = input.dtype() == lowbit::DType::kUInt8 ? image[i] : uint8_t(image[i] ^ 0x80);
  }
  if (lowbit::Status s = interpreter.invoke(); !s.ok()) {
    std::fprintf(stderr, "classify_image: %s\n", s.to_string().c_str());
    return 1;
  }

  const std::vector<float> s = scores(interpreter.output(0));
  const std::vector<std::string> labels = example::read_lines(labels_path);
  // Labels may start with "background" for 1001-class models.
  const size_t label_offset = labels.size() == s.size() + 1 ? 1 : 0;
  std::vector<size_t> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t k = std::min<size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](size_t a, size_t b) { return s[a] > s[b]; });
  std::printf("top-%zu for %s:\n", k, image_path.c_str());
  for (size_t i = 0; i < k; ++i) {
    const size_t c = order[i];
    const std::string label =
        c + label_offset < labels.size() ? labels[c + label_offset] : "class " + std::to_string(c);
    std::printf("  %zu. %-40s %.3f\n", i + 1, label.c_str(), s[c]);
  }
  return 0;
}
