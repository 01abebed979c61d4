// How RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR and the custom
// TFLite_Detection_PostProcess land in the lowbit graph: the constant size
// operand and the coordinate flags become ResizeOptions, the FlexBuffer map
// becomes DetectionPostprocessOptions; bad operands fail naming the operator.
#include <catch2/catch.hpp>

#include <flatbuffers/flexbuffers.h>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kResizeBilinear = 23, kResizeNearest = 97 };
enum : uint8_t { kBilinearOptions = 15, kNearestOptions = 74 };

// x [1,4,6,2] int8 resized to `size` by `code`, the size constant unless
// `size_is_input`.
Result<GraphDesc> resize_model(int32_t code, const BuiltinOptions& options,
                               bool size_is_input = false) {
  TfliteWriter w;
  const std::vector<float> s = {0.5f};
  const std::vector<int64_t> z = {-3};
  const int x = w.add_tensor("x", kTflInt8, {1, 4, 6, 2}, s, z);
  const int size = size_is_input ? w.add_tensor("size", kTflInt32, {2})
                                 : w.add_constant("size", kTflInt32, {2}, std::vector<int32_t>{7, 5});
  const int y = w.add_tensor("y", kTflInt8, {1, 7, 5, 2}, s, z);
  w.add_operator(w.builtin_code(code), {x, size}, {y}, options);
  w.set_inputs(size_is_input ? std::vector<int32_t>{x, size} : std::vector<int32_t>{x});
  w.set_outputs({y});
  return import_graph(w.finish());
}

std::vector<uint8_t> detection_options(bool with_iou) {
  flexbuffers::Builder fbb;
  fbb.Map([&] {
    fbb.Int("max_detections", 10);
    fbb.Int("max_classes_per_detection", 2);
    fbb.Bool("use_regular_nms", true);
    fbb.Float("nms_score_threshold", 0.25f);
    if (with_iou) fbb.Float("nms_iou_threshold", 0.6f);
    fbb.Int("num_classes", 90);
    fbb.Float("y_scale", 10.0f);
    fbb.Float("x_scale", 10.0f);
    fbb.Float("h_scale", 5.0f);
    fbb.Float("w_scale", 5.0f);
  });
  fbb.Finish();
  return fbb.GetBuffer();
}

Result<GraphDesc> detection_model(const std::vector<uint8_t>& options) {
  TfliteWriter w;
  const int boxes = w.add_tensor("boxes", kTflFloat32, {1, 3, 4});
  const int scores = w.add_tensor("scores", kTflFloat32, {1, 3, 91});
  const int anchors = w.add_constant("anchors", kTflFloat32, {3, 4}, std::vector<float>(12, 0.5f));
  std::vector<int32_t> outs = {w.add_tensor("b", kTflFloat32, {1, 20, 4}),
                               w.add_tensor("c", kTflFloat32, {1, 20}),
                               w.add_tensor("s", kTflFloat32, {1, 20}),
                               w.add_tensor("n", kTflFloat32, {1})};
  w.add_operator(w.custom_code("TFLite_Detection_PostProcess"), {boxes, scores, anchors}, outs,
                 {}, options);
  w.set_inputs({boxes, scores});
  w.set_outputs(outs);
  return import_graph(w.finish());
}

}  // namespace

TEST_CASE("RESIZE operators take their size and flags into ResizeOptions",
          "[convert][builtin][resize]") {
  Result<GraphDesc> g = resize_model(
      kResizeBilinear, {kBilinearOptions, {{OptionField::kByte, 2, 0}, {OptionField::kByte, 3, 1}}});
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  REQUIRE(g->operators.size() == 1);
  CHECK(g->operators[0].type == OpType::kResizeBilinear);
  CHECK(g->operators[0].inputs.size() == 1);  // the size operand became options
  const auto* o = std::get_if<ResizeOptions>(&g->operators[0].options);
  REQUIRE(o != nullptr);
  CHECK(o->new_height == 7);
  CHECK(o->new_width == 5);
  CHECK_FALSE(o->align_corners);
  CHECK(o->half_pixel_centers);

  g = resize_model(kResizeNearest,
                   {kNearestOptions, {{OptionField::kByte, 0, 1}, {OptionField::kByte, 1, 1}}});
  REQUIRE(g.ok());
  o = std::get_if<ResizeOptions>(&g->operators[0].options);
  REQUIRE(o != nullptr);
  CHECK(g->operators[0].type == OpType::kResizeNearestNeighbor);
  CHECK(o->align_corners);
  CHECK(o->half_pixel_centers);
}

TEST_CASE("RESIZE operators reject a computed size and TFLite's refused flags",
          "[convert][builtin][resize]") {
  Result<GraphDesc> g = resize_model(kResizeBilinear, {}, true);
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(), Catch::Contains("RESIZE_BILINEAR") &&
                                       Catch::Contains("\"size\"") && Catch::Contains("constant"));
  g = resize_model(kResizeBilinear,
                   {kBilinearOptions, {{OptionField::kByte, 2, 1}, {OptionField::kByte, 3, 1}}});
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(), Catch::Contains("align_corners and half_pixel_centers"));
}

TEST_CASE("TFLite_Detection_PostProcess options come from its FlexBuffer map",
          "[convert][custom][detection]") {
  Result<GraphDesc> g = detection_model(detection_options(true));
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  REQUIRE(g->operators.size() == 1);
  CHECK(g->operators[0].type == OpType::kDetectionPostprocess);
  const auto* o = std::get_if<DetectionPostprocessOptions>(&g->operators[0].options);
  REQUIRE(o != nullptr);
  CHECK(o->max_detections == 10);
  CHECK(o->max_classes_per_detection == 2);
  CHECK(o->detections_per_class == 100);  // TFLite's default when absent
  CHECK(o->use_regular_nms);
  CHECK(o->nms_score_threshold == 0.25f);
  CHECK(o->nms_iou_threshold == 0.6f);
  CHECK(o->num_classes == 90);
  CHECK(o->y_scale == 10.0f);
  CHECK(o->w_scale == 5.0f);

  g = detection_model(detection_options(false));
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(), Catch::Contains("TFLite_Detection_PostProcess") &&
                                       Catch::Contains("nms_iou_threshold"));
  g = detection_model({1, 2, 3});
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(), Catch::Contains("FlexBuffer"));
}

}  // namespace testing
}  // namespace lowbit
