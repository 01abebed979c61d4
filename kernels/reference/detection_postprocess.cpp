#include "kernels/reference/detection_postprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace lowbit {
namespace ref {
namespace {

struct Box {
  float ymin, xmin, ymax, xmax;
};

struct Candidate {
  float score;
  int index;  // anchor * num_classes_with_background + class column
};

// Carves the caller's scratch into arrays; sizes() runs the same sequence
// without memory to measure it.
class Carver {
 public:
  explicit Carver(void* base) : base_(static_cast<uint8_t*>(base)) {}
  template <typename T>
  T* take(size_t count) {
    used_ = (used_ + alignof(T) - 1) / alignof(T) * alignof(T);
    T* p = base_ ? reinterpret_cast<T*>(base_ + used_) : nullptr;
    used_ += count * sizeof(T);
    return p;
  }
  size_t used() const { return used_; }

 private:
  uint8_t* base_;
  size_t used_ = 0;
};

struct Workspace {
  Box* decoded;
  float* keep_scores;
  int* keep_indices;
  int* order;
  uint8_t* active;
  int* selected;
  float* anchor_scores;   // one class's scores (regular) or each anchor's best (fast)
  Candidate* merged;      // regular: the best detections so far, then this class's
  Candidate* merge_copy;  // regular: the earlier run while merging
  int* class_order;       // fast: one anchor's classes, partially sorted
  int* top_classes;       // fast: each anchor's best classes, in order
};

Workspace carve(const DetectionPostprocessParams& p, Carver& c) {
  const size_t n = static_cast<size_t>(p.num_boxes);
  const size_t categories =
      static_cast<size_t>(std::min(p.max_classes_per_detection, p.num_classes));
  Workspace w;
  w.decoded = c.take<Box>(n);
  w.keep_scores = c.take<float>(n);
  w.keep_indices = c.take<int>(n);
  w.order = c.take<int>(n);
  w.active = c.take<uint8_t>(n);
  w.selected = c.take<int>(n);
  w.anchor_scores = c.take<float>(n);
  const size_t merge = p.use_regular_nms ? 2 * static_cast<size_t>(p.max_detections) : 0;
  w.merged = c.take<Candidate>(merge);
  w.merge_copy = c.take<Candidate>(merge);
  w.class_order = c.take<int>(p.use_regular_nms ? 0 : static_cast<size_t>(p.num_classes));
  w.top_classes = c.take<int>(p.use_regular_nms ? 0 : n * categories);
  return w;
}

// Double precision as TFLite: center = code / scale * anchor size + anchor
// center, half size = 0.5 * exp(code / scale) * anchor size.
void decode_boxes(const DetectionPostprocessParams& p, const float* encodings,
                  const float* anchors, Box* decoded) {
  for (int i = 0; i < p.num_boxes; ++i) {
    const float* e = encodings + static_cast<size_t>(i) * p.box_code_size;
    const float* a = anchors + static_cast<size_t>(i) * 4;  // y, x, h, w
    const float ycenter = static_cast<float>(double(e[0]) / double(p.y_scale) * double(a[2]) +
                                             double(a[0]));
    const float xcenter = static_cast<float>(double(e[1]) / double(p.x_scale) * double(a[3]) +
                                             double(a[1]));
    const float half_h =
        static_cast<float>(0.5 * std::exp(double(e[2]) / double(p.h_scale)) * double(a[2]));
    const float half_w =
        static_cast<float>(0.5 * std::exp(double(e[3]) / double(p.w_scale)) * double(a[3]));
    decoded[i] = {ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w};
  }
}

float intersection_over_union(const Box& a, const Box& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float ymin = std::max(a.ymin, b.ymin), xmin = std::max(a.xmin, b.xmin);
  const float ymax = std::min(a.ymax, b.ymax), xmax = std::min(a.xmax, b.xmax);
  const float intersection = std::max(ymax - ymin, 0.0f) * std::max(xmax - xmin, 0.0f);
  return intersection / (area_a + area_b - intersection);
}

// Greedy NMS over one score per anchor: anchors at or above the score
// threshold, by decreasing score (ties: lower anchor first, TFLite's stable
// sort), each kept unless it overlaps a kept one by more than the IoU
// threshold. Returns how many were kept (at most max_kept) into w.selected.
int suppress(const DetectionPostprocessParams& p, const float* scores, int max_kept,
             Workspace& w) {
  int kept = 0;
  for (int i = 0; i < p.num_boxes; ++i) {
    if (scores[i] >= p.score_threshold) {  // NaN never passes
      w.keep_scores[kept] = scores[i];
      w.keep_indices[kept] = i;
      ++kept;
    }
  }
  std::iota(w.order, w.order + kept, 0);
  const float* s = w.keep_scores;
  // Score, then position: a total order, so this equals a stable sort.
  std::sort(w.order, w.order + kept, [s](int a, int b) { return s[a] > s[b] || (s[a] == s[b] && a < b); });
  std::fill(w.active, w.active + kept, uint8_t{1});
  int active = kept, selected = 0;
  const int limit = std::min(kept, max_kept);
  for (int i = 0; i < kept; ++i) {
    if (active == 0 || selected >= limit) break;
    if (!w.active[i]) continue;
    const int anchor = w.keep_indices[w.order[i]];
    w.selected[selected++] = anchor;
    w.active[i] = 0;
    --active;
    for (int j = i + 1; j < kept; ++j) {
      if (w.active[j] &&
          intersection_over_union(w.decoded[anchor], w.decoded[w.keep_indices[w.order[j]]]) >
              p.iou_threshold) {
        w.active[j] = 0;
        --active;
      }
    }
  }
  return selected;
}

void write_detection(const DetectionOutputs& out, int slot, const Box& box, float cls,
                     float score) {
  std::memcpy(out.boxes + 4 * static_cast<size_t>(slot), &box, sizeof(Box));
  out.classes[slot] = cls;
  out.scores[slot] = score;
}

// Regular NMS: per class, then the best max_detections over all classes.
// Runs are merged stably (earlier classes first on equal scores), as TFLite's
// std::inplace_merge does.
int regular_nms(const DetectionPostprocessParams& p, const float* scores, Workspace& w,
                const DetectionOutputs& out) {
  const int per_class = std::min(p.detections_per_class, p.max_detections);
  const int columns = p.num_classes_with_background;
  const int label_offset = columns - p.num_classes;
  int count = 0;
  for (int cls = 0; cls < p.num_classes; ++cls) {
    for (int i = 0; i < p.num_boxes; ++i) {
      w.anchor_scores[i] = scores[static_cast<size_t>(i) * columns + cls + label_offset];
    }
    const int selected = suppress(p, w.anchor_scores, per_class, w);
    if (selected == 0) continue;
    std::copy(w.merged, w.merged + count, w.merge_copy);
    const Candidate* a = w.merge_copy;
    const Candidate* a_end = a + count;
    int b = 0, o = 0;
    const int total = count + selected;
    while (o < total) {
      const bool take_b = b < selected && (a == a_end || w.anchor_scores[w.selected[b]] > a->score);
      if (take_b) {
        w.merged[o++] = {w.anchor_scores[w.selected[b]], w.selected[b] * columns + cls + label_offset};
        ++b;
      } else {
        w.merged[o++] = *a++;
      }
    }
    count = std::min(total, p.max_detections);
  }
  for (int i = 0; i < count; ++i) {
    const int anchor = w.merged[i].index / columns;
    const int cls = w.merged[i].index - anchor * columns - label_offset;
    write_detection(out, i, w.decoded[anchor], static_cast<float>(cls), w.merged[i].score);
  }
  return count;
}

// Fast NMS: each anchor competes with its best class score; a kept anchor
// reports its top min(max_classes_per_detection, num_classes) classes.
int fast_nms(const DetectionPostprocessParams& p, const float* scores, Workspace& w,
             const DetectionOutputs& out) {
  const int columns = p.num_classes_with_background;
  const int label_offset = columns - p.num_classes;
  const int categories = std::min(p.max_classes_per_detection, p.num_classes);
  for (int i = 0; i < p.num_boxes; ++i) {
    const float* s = scores + static_cast<size_t>(i) * columns + label_offset;
    int* top = w.top_classes + static_cast<size_t>(i) * categories;
    if (categories == 1) {
      // The first maximum, as TFLite's ArgMaxVector.
      int best = 0;
      for (int c = 1; c < p.num_classes; ++c) best = s[c] > s[best] ? c : best;
      top[0] = best;
    } else {
      // std::partial_sort with TFLite's comparator, so that equal scores
      // come out in the same order as in TFLite (no index tiebreak there).
      std::iota(w.class_order, w.class_order + p.num_classes, 0);
      std::partial_sort(w.class_order, w.class_order + categories, w.class_order + p.num_classes,
                        [s](int a, int b) { return s[a] > s[b]; });
      std::copy(w.class_order, w.class_order + categories, top);
    }
    w.anchor_scores[i] = s[top[0]];
  }
  const int selected = suppress(p, w.anchor_scores, p.max_detections, w);
  for (int k = 0; k < selected; ++k) {
    const int anchor = w.selected[k];
    const float* s = scores + static_cast<size_t>(anchor) * columns + label_offset;
    const int* top = w.top_classes + static_cast<size_t>(anchor) * categories;
    for (int c = 0; c < categories; ++c) {
      write_detection(out, p.max_classes_per_detection * k + c, w.decoded[anchor],
                      static_cast<float>(top[c]), s[top[c]]);
    }
  }
  return selected;
}

}  // namespace

size_t detection_postprocess_scratch_bytes(const DetectionPostprocessParams& p) {
  Carver c(nullptr);
  carve(p, c);
  return c.used();
}

int detection_postprocess__reference(const DetectionPostprocessParams& p,
                                     const float* box_encodings, const float* class_scores,
                                     const float* anchors, const DetectionOutputs& out,
                                     void* scratch) {
  Carver c(scratch);
  Workspace w = carve(p, c);
  const size_t slots =
      static_cast<size_t>(p.max_detections) * static_cast<size_t>(p.max_classes_per_detection);
  std::fill(out.boxes, out.boxes + 4 * slots, 0.0f);
  std::fill(out.classes, out.classes + slots, 0.0f);
  std::fill(out.scores, out.scores + slots, 0.0f);
  out.count[0] = 0.0f;
  decode_boxes(p, box_encodings, anchors, w.decoded);
  for (int i = 0; i < p.num_boxes; ++i) {
    const Box& b = w.decoded[i];
    if (b.ymin > b.ymax || b.xmin > b.xmax) return i;
  }
  const int found = p.use_regular_nms ? regular_nms(p, class_scores, w, out)
                                      : fast_nms(p, class_scores, w, out);
  out.count[0] = static_cast<float>(found);
  return -1;
}

}  // namespace ref
}  // namespace lowbit
