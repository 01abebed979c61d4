// Writes seed inputs for fuzz_lce_options into OUT_DIR: hand-made FlexBuffer
// maps covering every key and value kind the parser accepts, plus the
// custom-options blob of every LCE operator in the .tflite files given.
//   lowbit-fuzz-lce-seeds OUT_DIR [model.tflite ...]
#include <flatbuffers/flexbuffers.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "convert/tflite_schema.h"

namespace {

bool write_file(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return static_cast<bool>(out);
}

std::vector<uint8_t> flex_map(const std::function<void(flexbuffers::Builder&)>& fill) {
  flexbuffers::Builder fbb;
  fbb.Map([&] { fill(fbb); });
  fbb.Finish();
  return fbb.GetBuffer();
}

std::vector<std::vector<uint8_t>> hand_made_maps() {
  return {
      // LceBconv2d as LCE 0.16 writes it.
      flex_map([](flexbuffers::Builder& b) {
        b.Int("channels_in", 64);
        b.Int("dilation_height_factor", 1);
        b.Int("dilation_width_factor", 1);
        b.Int("fused_activation_function", 0);
        b.Int("pad_values", 1);
        b.Int("padding", 0);
        b.Int("stride_height", 1);
        b.Int("stride_width", 1);
      }),
      // Strings for padding, bools, wide integers, unsigned values.
      flex_map([](flexbuffers::Builder& b) {
        b.UInt("channels_in", 40);
        b.String("padding", "VALID");
        b.Bool("pad_values", false);
        b.Int("stride_height", int64_t{1} << 40);
        b.Int("fused_activation_function", 3);
      }),
      // LceBMaxPool2d.
      flex_map([](flexbuffers::Builder& b) {
        b.Int("filter_height", 2);
        b.Int("filter_width", 2);
        b.Int("padding", 1);
        b.Int("stride_height", 2);
        b.Int("stride_width", 2);
      }),
      // TFLite_Detection_PostProcess as TensorFlow's object detection export writes it.
      flex_map([](flexbuffers::Builder& b) {
        b.Float("h_scale", 5.0f);
        b.Int("max_classes_per_detection", 1);
        b.Int("max_detections", 10);
        b.Float("nms_iou_threshold", 0.6f);
        b.Float("nms_score_threshold", 1e-8f);
        b.Int("num_classes", 90);
        b.Bool("use_regular_nms", false);
        b.Float("w_scale", 5.0f);
        b.Float("x_scale", 10.0f);
        b.Float("y_scale", 10.0f);
      }),
      // Values of the wrong kinds.
      flex_map([](flexbuffers::Builder& b) {
        b.Float("channels_in", 3.5f);
        b.Vector("padding", [&] { b.Int(1); b.Int(2); });
        b.String("stride_height", "two");
        b.Null("filter_width");
      }),
  };
}

// Every LCE custom operator's options in one .tflite file.
int extract(const std::string& path, const std::string& out_dir, int* written) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  const char* why = "";
  const auto* model = lowbit::tfl::verify_tflite_buffer(bytes.data(), bytes.size(), &why);
  if (model == nullptr) {
    std::fprintf(stderr, "%s: skipped: %s\n", path.c_str(), why);
    return 0;
  }
  const auto* codes = model->operator_codes();
  const auto* subgraphs = model->subgraphs();
  if (codes == nullptr || subgraphs == nullptr) return 0;
  for (const auto* subgraph : *subgraphs) {
    if (subgraph->operators() == nullptr) continue;
    for (const auto* op : *subgraph->operators()) {
      if (op->opcode_index() >= codes->size() || op->custom_options() == nullptr) continue;
      const auto* code = codes->Get(op->opcode_index())->custom_code();
      if (code == nullptr || (code->str().rfind("Lce", 0) != 0 &&
                              code->str() != "TFLite_Detection_PostProcess")) {
        continue;
      }
      const std::string name = out_dir + "/model_" + std::to_string(*written) + "_" + code->str();
      if (!write_file(name, op->custom_options()->data(), op->custom_options()->size())) return 1;
      ++*written;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [model.tflite ...]\n", argv[0]);
    return 2;
  }
  const std::string out_dir = argv[1];
  int written = 0;
  for (const auto& map : hand_made_maps()) {
    if (!write_file(out_dir + "/hand_" + std::to_string(written++), map.data(), map.size())) {
      std::fprintf(stderr, "cannot write into %s\n", out_dir.c_str());
      return 1;
    }
  }
  for (int i = 2; i < argc; ++i) {
    if (extract(argv[i], out_dir, &written) != 0) return 1;
  }
  std::printf("%d LCE options seeds in %s\n", written, out_dir.c_str());
  return 0;
}
