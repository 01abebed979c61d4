// Pose estimation: MoveNet Lightning (uint8 post-training quantized) loaded
// straight from its .tflite. Prints the 17 keypoints (y, x in [0,1] of the
// image, and a score) and how far each lies from the reference csv that came
// with the image; fails when any coordinate is more than 0.03 away.
//
//   build/bin/estimate_pose [MODEL.tflite IMAGE REFERENCE.csv]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "image_support.h"

namespace {

const char* const kProgram = "estimate_pose";
const char* const kKeypoints[] = {
    "nose",       "left_eye",    "right_eye",  "left_ear",   "right_ear",  "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip",  "left_knee",   "right_knee", "left_ankle", "right_ankle"};
constexpr int kNumKeypoints = 17;
constexpr float kTolerance = 0.03f;

// Bilinear resize with half-pixel centres, truncated to uint8: how libcoral's
// MoveNet test, whose results the reference csv holds, feeds the model
// (CopyResizedImage: TFLite's float RESIZE_BILINEAR). This lands within 0.026
// of the csv; nearest-neighbour sampling at pixel centres lands 0.031 away and
// stb_image_resize's filters 0.034 to 0.049 (none of them is a plain two-tap
// bilinear when shrinking), past the tolerance.
void resize_bilinear_half_pixel(const example::Image& in, int out_h, int out_w, uint8_t* out) {
  const float scale_y = float(in.height) / float(out_h), scale_x = float(in.width) / float(out_w);
  for (int y = 0; y < out_h; ++y) {
    const float sy = (float(y) + 0.5f) * scale_y - 0.5f;
    const int y0 = std::max(int(std::floor(sy)), 0), y1 = std::min(int(std::ceil(sy)), in.height - 1);
    const float dy = sy - float(y0);
    for (int x = 0; x < out_w; ++x) {
      const float sx = (float(x) + 0.5f) * scale_x - 0.5f;
      const int x0 = std::max(int(std::floor(sx)), 0), x1 = std::min(int(std::ceil(sx)), in.width - 1);
      const float dx = sx - float(x0);
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int yy, int xx) { return float(in.pixels[(size_t(yy) * in.width + xx) * 3 + c]); };
        const float v = at(y0, x0) * (1 - dy) * (1 - dx) + at(y1, x0) * dy * (1 - dx) +
                        at(y0, x1) * (1 - dy) * dx + at(y1, x1) * dy * dx;
        out[(size_t(y) * out_w + x) * 3 + c] = static_cast<uint8_t>(v);
      }
    }
  }
}

struct Keypoint {
  float y = 0, x = 0, score = 0;
};

// The csv's keypoint_x and keypoint_y by keypoint_id, found by column name.
bool read_reference(const std::string& path, std::vector<Keypoint>* keypoints) {
  std::ifstream f(path);
  std::string line;
  std::vector<std::string> header;
  if (!std::getline(f, line)) return false;
  for (std::stringstream s(line); std::getline(s, line, ',');) header.push_back(line);
  auto column = [&](const char* name) {
    return int(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const int id = column("keypoint_id"), cx = column("keypoint_x"), cy = column("keypoint_y");
  keypoints->assign(kNumKeypoints, Keypoint{});
  int rows = 0;
  while (std::getline(f, line)) {
    std::vector<std::string> cells;
    for (std::stringstream s(line); std::getline(s, line, ',');) cells.push_back(line);
    const int n = int(cells.size());
    if (id >= n || cx >= n || cy >= n) return false;
    const int k = std::atoi(cells[id].c_str());
    if (k < 0 || k >= kNumKeypoints) return false;
    (*keypoints)[k] = {std::strtof(cells[cy].c_str(), nullptr), std::strtof(cells[cx].c_str(), nullptr), 0};
    ++rows;
  }
  return rows == kNumKeypoints;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string zoo = example::shared_models_dir() + "/zoo/coral/";
  const std::string model_path = argc > 1 ? argv[1] : zoo + "movenet_single_pose_lightning_ptq.tflite";
  const std::string image_path = argc > 2 ? argv[2] : zoo + "squat.bmp";
  const std::string reference_path =
      argc > 3 ? argv[3] : zoo + "movenet_single_pose_lightning_ptq_reference.csv";
  if (!example::files_exist(kProgram, {model_path, image_path, reference_path})) return 1;

  std::vector<Keypoint> reference;
  if (!read_reference(reference_path, &reference)) {
    std::fprintf(stderr, "%s: %s: expected a header and %d rows with keypoint_id, keypoint_x, "
                 "keypoint_y\n", kProgram, reference_path.c_str(), kNumKeypoints);
    return 1;
  }
  const example::Image image = example::read_image(kProgram, image_path, 3);
  auto interpreter = example::load_interpreter(kProgram, model_path);
  if (image.pixels.empty() || !interpreter) return 1;
  const lowbit::TensorView input = interpreter->input(0);
  int height = 0, width = 0;
  if (!example::rgb_input_size(kProgram, input, &height, &width)) return 1;
  resize_bilinear_half_pixel(image, height, width, input.as<uint8_t>());
  if (!example::report(kProgram, interpreter->invoke())) return 1;

  const lowbit::TensorView out = interpreter->output(0);
  if (out.dtype() != lowbit::DType::kFloat32 || out.shape().num_elements() != kNumKeypoints * 3) {
    std::fprintf(stderr, "%s: expected float32 [1,1,17,3], got %s %s\n", kProgram,
                 lowbit::dtype_name(out.dtype()), out.shape().to_string().c_str());
    return 1;
  }
  const float* values = out.as<float>();
  float worst = 0;
  int worst_keypoint = 0;
  std::printf("%-15s %8s %8s %6s   %s\n", "keypoint", "y", "x", "score", "|y - ref|, |x - ref|");
  for (int k = 0; k < kNumKeypoints; ++k) {
    const Keypoint found{values[3 * k], values[3 * k + 1], values[3 * k + 2]};
    const float dy = std::fabs(found.y - reference[k].y), dx = std::fabs(found.x - reference[k].x);
    std::printf("%-15s %8.6f %8.6f %6.3f   %.4f, %.4f\n", kKeypoints[k], found.y, found.x,
                found.score, dy, dx);
    if (std::max(dy, dx) > worst) {
      worst = std::max(dy, dx);
      worst_keypoint = k;
    }
  }
  std::printf("largest difference from the reference: %.6f (%s), tolerance %.2f\n", worst,
              kKeypoints[worst_keypoint], kTolerance);
  if (worst > kTolerance) {
    std::fprintf(stderr, "%s: %s is %.6f from the reference, more than %.2f\n", kProgram,
                 kKeypoints[worst_keypoint], worst, kTolerance);
    return 1;
  }
  return 0;
}
