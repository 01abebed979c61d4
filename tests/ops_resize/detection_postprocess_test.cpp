// DETECTION_POSTPROCESS (TFLite_Detection_PostProcess): hand-worked fast and
// regular NMS, tie order, the uint8 path against float on the dequantized
// values, and validation. (Against LiteRT: tests/conformance/detection_cases.py.)
#include <catch2/catch.hpp>

#include <cmath>

#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Anchor {
  float y, x, h, w;
};

// Zero box codes decode to the anchor itself: center -/+ half size.
std::vector<float> anchor_box(const Anchor& a) {
  const float half_h = static_cast<float>(0.5 * double(a.h)), half_w = static_cast<float>(0.5 * double(a.w));
  return {a.y - half_h, a.x - half_w, a.y + half_h, a.x + half_w};
}

const std::vector<Anchor> kAnchors = {
    {0.5f, 0.5f, 0.4f, 0.4f},   // A0
    {0.52f, 0.5f, 0.4f, 0.4f},  // A1: IoU with A0 about 0.9
    {0.1f, 0.1f, 0.1f, 0.1f},   // A2: apart from both
};
// Columns: background, class 0, class 1.
const std::vector<float> kScores = {0.0f, 0.9f, 0.1f, 0.0f, 0.8f, 0.7f, 0.0f, 0.2f, 0.6f};

DetectionPostprocessOptions options(bool regular, int max_detections, int classes_per_detection) {
  DetectionPostprocessOptions o;
  o.max_detections = max_detections;
  o.max_classes_per_detection = classes_per_detection;
  o.detections_per_class = 2;
  o.use_regular_nms = regular;
  o.nms_score_threshold = 0.3f;
  o.nms_iou_threshold = 0.5f;
  o.num_classes = 2;
  o.y_scale = o.x_scale = 10.0f;
  o.h_scale = o.w_scale = 5.0f;
  return o;
}

struct Inputs {
  DType dtype = DType::kFloat32;
  int anchors = 3, columns = 3;
  Bytes codes, scores, anchor_data;
  Quantization codes_q, scores_q, anchors_q;
};

Inputs float_inputs(const std::vector<Anchor>& anchors, const std::vector<float>& scores) {
  Inputs in;
  in.anchors = static_cast<int>(anchors.size());
  in.columns = static_cast<int>(scores.size() / anchors.size());
  in.codes = to_bytes(std::vector<float>(anchors.size() * 4, 0.0f));
  in.scores = to_bytes(scores);
  std::vector<float> a;
  for (const Anchor& x : anchors) a.insert(a.end(), {x.y, x.x, x.h, x.w});
  in.anchor_data = to_bytes(a);
  return in;
}

struct Detections {
  Status status;
  std::vector<float> boxes, classes, scores;
  float count = -1;
};

Detections run(const Inputs& in, const DetectionPostprocessOptions& o, Shape boxes_shape = {}) {
  ModelBuilder b;
  const int codes = b.add_tensor("codes", in.dtype, {1, in.anchors, 4}, in.codes_q);
  const int scores = b.add_tensor("scores", in.dtype, {1, in.anchors, in.columns}, in.scores_q);
  const int anchors = b.add_constant("anchors", in.dtype, {in.anchors, 4}, in.anchor_data.data(),
                                     in.anchor_data.size(), in.anchors_q);
  const int slots = o.max_detections * o.max_classes_per_detection;
  const int out_boxes =
      b.add_tensor("boxes", DType::kFloat32, boxes_shape.rank ? boxes_shape : Shape({1, slots, 4}));
  const int out_classes = b.add_tensor("classes", DType::kFloat32, {1, slots});
  const int out_scores = b.add_tensor("scores_out", DType::kFloat32, {1, slots});
  const int count = b.add_tensor("count", DType::kFloat32, {1});
  b.add_operator(OpType::kDetectionPostprocess, {codes, scores, anchors},
                 {out_boxes, out_classes, out_scores, count}, o, "ssd");
  b.set_inputs({codes, scores});
  b.set_outputs({out_boxes, out_classes, out_scores, count});
  RunResult r = run_model(b, {in.codes, in.scores});
  Detections d;
  d.status = r.status;
  if (r.status.ok()) {
    d.boxes = from_bytes<float>(r.outputs[0]);
    d.classes = from_bytes<float>(r.outputs[1]);
    d.scores = from_bytes<float>(r.outputs[2]);
    d.count = from_bytes<float>(r.outputs[3])[0];
  }
  return d;
}

Detections run_ok(const Inputs& in, const DetectionPostprocessOptions& o) {
  Detections d = run(in, o);
  INFO(d.status.to_string());
  REQUIRE(d.status.ok());
  return d;
}

std::vector<float> boxes_of(std::initializer_list<int> anchors, size_t slots) {
  std::vector<float> out;
  for (int a : anchors) {
    const std::vector<float> box = a < 0 ? std::vector<float>(4, 0.0f) : anchor_box(kAnchors[a]);
    out.insert(out.end(), box.begin(), box.end());
  }
  out.resize(slots * 4, 0.0f);
  return out;
}

}  // namespace

TEST_CASE("DETECTION_POSTPROCESS fast NMS keeps the best class per anchor", "[detection]") {
  const Detections d = run_ok(float_inputs(kAnchors, kScores), options(false, 3, 1));
  // A0 (class 0, 0.9) suppresses A1 (0.8, IoU 0.9); A2 (class 1, 0.6) stays.
  CHECK(d.count == 2.0f);
  CHECK(d.boxes == boxes_of({0, 2}, 3));
  CHECK(d.classes == std::vector<float>{0, 1, 0});
  CHECK(d.scores == std::vector<float>{0.9f, 0.6f, 0.0f});

  // Two classes per detection: each kept anchor reports its classes by score.
  const Detections two = run_ok(float_inputs(kAnchors, kScores), options(false, 3, 2));
  CHECK(two.count == 2.0f);
  CHECK(two.boxes == boxes_of({0, 0, 2, 2}, 6));
  CHECK(two.classes == std::vector<float>{0, 1, 1, 0, 0, 0});
  CHECK(two.scores == std::vector<float>{0.9f, 0.1f, 0.6f, 0.2f, 0.0f, 0.0f});
}

TEST_CASE("DETECTION_POSTPROCESS regular NMS suppresses per class, then merges by score",
          "[detection]") {
  const Detections d = run_ok(float_inputs(kAnchors, kScores), options(true, 3, 1));
  // Class 0: A0 (0.9) suppresses A1. Class 1: A1 (0.7) and A2 (0.6) do not overlap.
  CHECK(d.count == 3.0f);
  CHECK(d.boxes == boxes_of({0, 1, 2}, 3));
  CHECK(d.classes == std::vector<float>{0, 1, 1});
  CHECK(d.scores == std::vector<float>{0.9f, 0.7f, 0.6f});
  // max_detections 2 cuts the merged list after the best two.
  const Detections cut = run_ok(float_inputs(kAnchors, kScores), options(true, 2, 1));
  CHECK(cut.count == 2.0f);
  CHECK(cut.scores == std::vector<float>{0.9f, 0.7f});
}

TEST_CASE("DETECTION_POSTPROCESS breaks score ties by anchor, then by class", "[detection]") {
  // Three disjoint anchors, all scores 0.5, no background column.
  const std::vector<Anchor> apart = {{0.1f, 0.1f, 0.1f, 0.1f}, {0.5f, 0.5f, 0.1f, 0.1f},
                                     {0.9f, 0.9f, 0.1f, 0.1f}};
  const std::vector<float> ties(6, 0.5f);
  Inputs in = float_inputs(apart, ties);
  DetectionPostprocessOptions o = options(false, 3, 1);
  const Detections fast = run_ok(in, o);
  CHECK(fast.count == 3.0f);
  CHECK(fast.boxes == std::vector<float>{anchor_box(apart[0])[0], anchor_box(apart[0])[1],
                                         anchor_box(apart[0])[2], anchor_box(apart[0])[3],
                                         anchor_box(apart[1])[0], anchor_box(apart[1])[1],
                                         anchor_box(apart[1])[2], anchor_box(apart[1])[3],
                                         anchor_box(apart[2])[0], anchor_box(apart[2])[1],
                                         anchor_box(apart[2])[2], anchor_box(apart[2])[3]});
  CHECK(fast.classes == std::vector<float>{0, 0, 0});  // the first maximum
  o.use_regular_nms = true;
  o.max_detections = 4;
  const Detections regular = run_ok(in, o);
  // Class 0 keeps anchors 0 and 1 (2 per class); class 1 merges after them.
  CHECK(regular.count == 4.0f);
  CHECK(regular.classes == std::vector<float>{0, 0, 1, 1});
  CHECK(regular.boxes[0] == anchor_box(apart[0])[0]);
  CHECK(regular.boxes[4] == anchor_box(apart[1])[0]);
  CHECK(regular.boxes[8] == anchor_box(apart[0])[0]);
}

TEST_CASE("DETECTION_POSTPROCESS uint8 inputs equal float inputs after dequantization",
          "[detection]") {
  Inputs q;
  q.dtype = DType::kUInt8;
  q.codes_q = per_tensor(0.05f, 128);
  q.scores_q = per_tensor(1.0f / 256, 0);
  q.anchors_q = per_tensor(1.0f / 255, 0);
  std::mt19937 rng(test_seed());
  q.anchors = 40;
  q.codes = random_ints<uint8_t>(rng, 40 * 4, 0, 255);
  q.scores = random_ints<uint8_t>(rng, 40 * 3, 0, 255);
  q.anchor_data = random_ints<uint8_t>(rng, 40 * 4, 10, 120);
  auto dequantized = [](const Bytes& b, const Quantization& quant) {
    std::vector<float> v;
    for (uint8_t x : b) v.push_back((float(x) - float(quant.zero_points[0])) * quant.scales[0]);
    return to_bytes(v);
  };
  Inputs f = q;
  f.dtype = DType::kFloat32;
  f.codes_q = f.scores_q = f.anchors_q = Quantization();
  f.codes = dequantized(q.codes, q.codes_q);
  f.scores = dequantized(q.scores, q.scores_q);
  f.anchor_data = dequantized(q.anchor_data, q.anchors_q);
  for (bool regular : {false, true}) {
    DetectionPostprocessOptions o = options(regular, 10, 1);
    o.detections_per_class = 5;
    const Detections a = run_ok(q, o), b = run_ok(f, o);
    CHECK(a.count > 0.0f);
    CHECK(a.count == b.count);
    CHECK(a.boxes == b.boxes);
    CHECK(a.classes == b.classes);
    CHECK(a.scores == b.scores);
  }
}

TEST_CASE("DETECTION_POSTPROCESS rejects bad operands and options naming them",
          "[detection][validation]") {
  const Inputs in = float_inputs(kAnchors, kScores);
  DetectionPostprocessOptions o = options(false, 3, 1);
  o.num_classes = 4;  // 3 columns fit neither 4 nor 4 + background
  Detections d = run(in, o);
  CHECK_THAT(d.status.message(),
             Catch::Contains("DETECTION_POSTPROCESS") && Catch::Contains("input 1") &&
                 Catch::Contains("class columns"));
  o = options(false, 3, 1);
  o.nms_iou_threshold = 0.0f;
  CHECK_THAT(run(in, o).status.message(), Catch::Contains("nms_iou_threshold"));
  o = options(true, 3, 1);
  o.detections_per_class = 0;
  CHECK_THAT(run(in, o).status.message(), Catch::Contains("detections_per_class"));
  o = options(false, 0, 1);
  CHECK_THAT(run(in, o).status.message(), Catch::Contains("max_detections"));
  d = run(in, options(false, 3, 1), Shape({1, 4, 4}));
  CHECK_THAT(d.status.message(), Catch::Contains("output 0") && Catch::Contains("[1,3,4]"));
  Inputs s8 = in;
  s8.dtype = DType::kInt8;
  s8.codes_q = s8.scores_q = s8.anchors_q = per_tensor(0.1f, 0);
  s8.codes = Bytes(12, 0);
  s8.scores = Bytes(9, 0);
  s8.anchor_data = Bytes(12, 0);
  CHECK_THAT(run(s8, options(false, 3, 1)).status.message(), Catch::Contains("input 0"));
}

TEST_CASE("DETECTION_POSTPROCESS fails invoke on an inverted decoded box", "[detection]") {
  std::vector<Anchor> anchors = kAnchors;
  anchors[1].h = -0.2f;  // ymin > ymax after decoding: TFLite refuses it too
  const Detections d = run(float_inputs(anchors, kScores), options(false, 3, 1));
  CHECK_FALSE(d.status.ok());
  CHECK_THAT(d.status.message(),
             Catch::Contains("DETECTION_POSTPROCESS") && Catch::Contains("decoded box 1"));
}
