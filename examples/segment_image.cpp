// Semantic segmentation: DeepLab v3 (MobileNetV2, half width, the 21 PASCAL
// VOC classes, legacy uint8), loaded straight from its .tflite. Writes the
// class of every pixel as a grey PNG (grey level = class index, the encoding
// of the reference mask) and prints how well the bird matches that mask.
//
//   build/bin/segment_image MASK_OUT.png [MODEL.tflite IMAGE REFERENCE_MASK LABELS.txt]
#include <cstdio>
#include <string>
#include <vector>

#include "image_support.h"
#include <stb_image_write.h>

namespace {

const char* const kProgram = "segment_image";

// ARG_MAX gives int64 (this model) or int32 class indices; an 8-bit mask
// holds up to 256 classes. False when a pixel's class does not fit.
bool class_per_pixel(const lowbit::TensorView& out, std::vector<uint8_t>* classes) {
  classes->resize(static_cast<size_t>(out.shape().num_elements()));
  for (size_t i = 0; i < classes->size(); ++i) {
    const int64_t c = out.dtype() == lowbit::DType::kInt64 ? out.as<int64_t>()[i] : out.as<int32_t>()[i];
    if (c < 0 || c > 255) return false;
    (*classes)[i] = static_cast<uint8_t>(c);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MASK_OUT.png [MODEL.tflite IMAGE REFERENCE_MASK LABELS.txt]\n",
                 kProgram);
    return 2;
  }
  const std::string zoo = example::shared_models_dir() + "/zoo/coral/";
  const std::string mask_path = argv[1];
  const std::string model_path = argc > 2 ? argv[2] : zoo + "deeplabv3_mnv2_dm05_pascal_quant.tflite";
  const std::string image_path = argc > 3 ? argv[3] : zoo + "bird_segmentation.bmp";
  const std::string reference_path = argc > 4 ? argv[4] : zoo + "bird_segmentation_mask.bmp";
  const std::string labels_path = argc > 5 ? argv[5] : zoo + "pascal_voc_segmentation_labels.txt";
  if (!example::files_exist(kProgram, {model_path, image_path, reference_path, labels_path})) return 1;

  const example::Image image = example::read_image(kProgram, image_path, 3);
  auto interpreter = example::load_interpreter(kProgram, model_path);
  if (image.pixels.empty() || !interpreter) return 1;
  // The input is quantized with zero point 128 and scale 1/128: raw RGB bytes are its encoding.
  if (!example::fill_rgb_input(kProgram, image, interpreter->input(0)) ||
      !example::report(kProgram, interpreter->invoke())) {
    return 1;
  }
  const lowbit::TensorView out = interpreter->output(0);
  const lowbit::Shape& shape = out.shape();
  if ((out.dtype() != lowbit::DType::kInt64 && out.dtype() != lowbit::DType::kInt32) ||
      shape.rank != 3) {
    std::fprintf(stderr, "%s: expected [1,H,W] class indices, got %s %s\n", kProgram,
                 lowbit::dtype_name(out.dtype()), shape.to_string().c_str());
    return 1;
  }
  const int height = shape[1], width = shape[2];
  std::vector<uint8_t> classes;
  if (!class_per_pixel(out, &classes)) {
    std::fprintf(stderr, "%s: a class index is outside 0..255, too many for an 8-bit mask\n", kProgram);
    return 1;
  }
  if (!stbi_write_png(mask_path.c_str(), width, height, 1, classes.data(), width)) {
    std::fprintf(stderr, "%s: cannot write %s\n", kProgram, mask_path.c_str());
    return 1;
  }
  std::printf("wrote %s (%dx%d, grey level = class index)\n", mask_path.c_str(), width, height);

  const std::vector<std::string> labels = example::read_lines(labels_path);
  std::vector<size_t> pixels_of_class(256, 0);
  for (uint8_t c : classes) ++pixels_of_class[c];
  for (size_t c = 0; c < pixels_of_class.size(); ++c) {
    if (pixels_of_class[c] == 0) continue;
    std::printf("  %-12s %7zu pixels\n", c < labels.size() ? labels[c].c_str() : "?", pixels_of_class[c]);
  }

  // The reference is an 8-bit grey image of class indices: 0 background, 3
  // bird, and 1 or 2 on the outline where the mask was scaled (blends of 0
  // and 3). Like PASCAL VOC's own boundary label, the outline is left out.
  const example::Image reference = example::read_image(kProgram, reference_path, 1);
  if (reference.pixels.empty()) return 1;
  if (reference.width != width || reference.height != height) {
    std::fprintf(stderr, "%s: the reference mask is %dx%d, the prediction %dx%d\n", kProgram,
                 reference.width, reference.height, width, height);
    return 1;
  }
  constexpr uint8_t kBackground = 0, kBird = 3;  // lines 1 and 4 of the labels file
  size_t intersection = 0, union_ = 0;
  for (size_t i = 0; i < classes.size(); ++i) {
    const uint8_t truth = reference.pixels[i];
    if (truth != kBackground && truth != kBird) continue;
    const bool predicted_bird = classes[i] == kBird, is_bird = truth == kBird;
    intersection += predicted_bird && is_bird;
    union_ += predicted_bird || is_bird;
  }
  if (union_ == 0) {
    std::fprintf(stderr, "%s: neither the prediction nor the reference has a bird\n", kProgram);
    return 1;
  }
  std::printf("bird IoU %.4f (%zu of %zu pixels)\n", double(intersection) / double(union_),
              intersection, union_);
  return 0;
}
