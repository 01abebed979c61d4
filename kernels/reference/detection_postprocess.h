// TFLite_Detection_PostProcess (SSD heads), as TFLite's kernel defines it:
// center-size box decoding against anchors, then non-maximum suppression,
// either per class ("regular") or on each anchor's best class ("fast").
// Inputs are float here; the operator dequantizes uint8 inputs first, with
// TFLite's formula.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

struct DetectionPostprocessParams {
  int num_boxes = 0;                    // anchors
  int box_code_size = 4;                // >= 4; only the first 4 are used
  int num_classes_with_background = 0;  // num_classes or num_classes + 1
  int num_classes = 0;
  int max_detections = 0;
  int max_classes_per_detection = 1;
  int detections_per_class = 100;
  bool use_regular_nms = false;
  float score_threshold = 0.0f;
  float iou_threshold = 0.5f;  // in (0, 1]
  float y_scale = 1.0f, x_scale = 1.0f, h_scale = 1.0f, w_scale = 1.0f;
};

struct DetectionOutputs {
  float* boxes = nullptr;    // [D, 4] ymin, xmin, ymax, xmax
  float* classes = nullptr;  // [D]
  float* scores = nullptr;   // [D]
  float* count = nullptr;    // [1]
};

// Working memory the kernel needs (64-byte aligned by the caller).
size_t detection_postprocess_scratch_bytes(const DetectionPostprocessParams& p);

// Writes every output element: entries past the detections found are 0.
// Returns the index of the first decoded box with ymin > ymax or xmin > xmax
// (TFLite refuses the input then, and so does the operator), or -1.
int detection_postprocess__reference(const DetectionPostprocessParams& p,
                                     const float* box_encodings, const float* class_scores,
                                     const float* anchors, const DetectionOutputs& out,
                                     void* scratch);

}  // namespace ref
}  // namespace lowbit
