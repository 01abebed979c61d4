// The value histogram behind the percentile, entropy and mse calibrators
// (docs/quantization.md, "Calibrators").
//
// Built in one pass over calibration samples whose range is not known in
// advance. Negative and positive values are counted in two separate one-sided
// histograms of magnitudes, so an asymmetric tensor (or a ReLU output, which
// has no negative side) gets the full resolution on each side. Each side has
// `bins` bins of equal width starting at 0; the first sample sets the width to
// (its largest magnitude) / (bins - 1), and when a later value does not fit,
// the width doubles (repeatedly) and neighbouring bins are merged. Because bin
// edges stay multiples of the width from 0, doubling merges bins exactly: the
// histogram is the same as if the final width had been known from the start.
// The width is therefore below 2 * (largest magnitude) / (bins - 1) on each side.
//
// Exact zeros are counted apart: zero is always exactly representable, so they
// take no part in choosing where to clip. NaN and infinities are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lowbit {
namespace quantize {

// Magnitudes of one sign: bin i counts values in [i * width, (i + 1) * width).
struct HistogramSide {
  std::vector<uint64_t> counts;
  std::vector<double> sums;  // of the magnitudes in each bin (their mean beats the bin centre)
  double bin_width = 0.0;  // 0 until the side has seen a value
  double max_magnitude = 0.0;
  uint64_t total = 0;

  // Bins up to the one holding max_magnitude (the rest are empty).
  size_t used_bins() const;
};

class ValueHistogram {
 public:
  explicit ValueHistogram(int bins);

  void add(const float* values, size_t count);

  const HistogramSide& positive() const { return positive_; }
  const HistogramSide& negative() const { return negative_; }  // magnitudes of values < 0
  uint64_t zeros() const { return zeros_; }

 private:
  HistogramSide positive_;
  HistogramSide negative_;
  uint64_t zeros_ = 0;
};

// The magnitude below which `fraction` (0..1] of a side's values lie, linear
// inside the bin where the count crosses; never above the side's largest value.
double side_quantile(const HistogramSide& side, double fraction);

// TensorRT's entropy calibration on one side: the clipping threshold whose
// quantized distribution (`levels` levels; TensorRT's 128 is the positive half
// of symmetric int8) has the smallest KL divergence from the clipped
// distribution (outliers added to the last kept bin).
double side_entropy_threshold(const HistogramSide& side, size_t levels);

// The pair of magnitudes (negative side, positive side) whose int8 range
// [-negative, positive] minimizes the expected squared quantization error of
// the histogram's values: clipping error of the values outside plus
// step^2 / 12 rounding error for each nonzero value inside, step = range / 255.
struct ClipPair {
  double negative = 0.0;
  double positive = 0.0;
};
ClipPair mse_clip(const ValueHistogram& histogram);

}  // namespace quantize
}  // namespace lowbit
