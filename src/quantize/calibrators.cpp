// The calibrators: how a tensor's observed values become its int8 range
// (docs/quantization.md, "Calibrators").
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "quantize/calibrator_options.h"
#include "quantize/histogram.h"
#include "quantize/range_observer.h"

namespace lowbit {
namespace quantize {
namespace {

// Smallest half-width given to a tensor that was always zero.
constexpr float kEmptyRangeHalfWidth = 1e-6f;
// Entropy calibration needs at least its 128 levels of bins; the top bounds
// the time of entropy's and mse's searches, both quadratic in the bins
// (8192 bins: about a second per tensor).
constexpr int kMinHistogramBins = 128;
constexpr int kMaxHistogramBins = 8192;

FloatRange include_zero(float lo, float hi) {
  FloatRange r;
  r.min = std::min(lo, 0.0f);
  r.max = std::max(hi, 0.0f);
  if (!(r.max - r.min > 0.0f)) {
    r.min = -kEmptyRangeHalfWidth;
    r.max = kEmptyRangeHalfWidth;
  }
  return r;
}

class MinMaxObserver : public RangeObserver {
 public:
  void observe(const float* values, size_t count) override {
    for (size_t i = 0; i < count; ++i) {
      if (!std::isfinite(values[i])) continue;
      lo_ = std::min(lo_, values[i]);
      hi_ = std::max(hi_, values[i]);
    }
  }
  FloatRange range() const override {
    if (!seen()) return include_zero(0.0f, 0.0f);
    return include_zero(lo_, hi_);
  }
  bool seen() const { return lo_ <= hi_; }
  float lo() const { return lo_; }
  float hi() const { return hi_; }

 private:
  float lo_ = std::numeric_limits<float>::infinity();
  float hi_ = -std::numeric_limits<float>::infinity();
};

// Moving averages of each sample's min and max: one unusual sample moves the
// range by only `decay` of its excess.
class EmaObserver : public RangeObserver {
 public:
  explicit EmaObserver(double decay) : decay_(decay) {}
  void observe(const float* values, size_t count) override {
    MinMaxObserver sample;
    sample.observe(values, count);
    if (!sample.seen()) return;
    if (!started_) {
      lo_ = sample.lo();
      hi_ = sample.hi();
      started_ = true;
      return;
    }
    lo_ += decay_ * (sample.lo() - lo_);
    hi_ += decay_ * (sample.hi() - hi_);
  }
  FloatRange range() const override {
    if (!started_) return include_zero(0.0f, 0.0f);
    return include_zero(static_cast<float>(lo_), static_cast<float>(hi_));
  }

 private:
  double decay_;
  bool started_ = false;
  double lo_ = 0.0;
  double hi_ = 0.0;
};

// Calibrators that clip each side of a value histogram: they differ only in
// how they choose the two clipping magnitudes.
class HistogramObserver : public RangeObserver {
 public:
  explicit HistogramObserver(const CalibratorOptions& options)
      : options_(options), histogram_(options.histogram_bins) {}
  void observe(const float* values, size_t count) override { histogram_.add(values, count); }
  FloatRange range() const override {
    ClipPair clip = choose_clip();
    return include_zero(static_cast<float>(-clip.negative), static_cast<float>(clip.positive));
  }

 private:
  ClipPair choose_clip() const {
    const HistogramSide& negative = histogram_.negative();
    const HistogramSide& positive = histogram_.positive();
    switch (options_.kind) {
      case Calibrator::kPercentile: {
        double fraction = options_.percentile / 100.0;
        return {side_quantile(negative, fraction), side_quantile(positive, fraction)};
      }
      case Calibrator::kEntropy: {
        // TensorRT's 128 levels are half of symmetric int8; a side alone (a
        // ReLU output) gets all 256 levels of the asymmetric range.
        size_t levels = negative.total > 0 && positive.total > 0 ? 128 : 256;
        return {side_entropy_threshold(negative, levels), side_entropy_threshold(positive, levels)};
      }
      case Calibrator::kMse:
        return mse_clip(histogram_);
      default:
        return {negative.max_magnitude, positive.max_magnitude};
    }
  }

  CalibratorOptions options_;
  ValueHistogram histogram_;
};

}  // namespace

std::string calibrator_options_error(const CalibratorOptions& options) {
  if (options.kind == Calibrator::kPercentile &&
      !(options.percentile > 0.0 && options.percentile <= 100.0)) {
    return "percentile " + std::to_string(options.percentile) + " is outside (0, 100]";
  }
  if (options.kind == Calibrator::kEma && !(options.ema_decay > 0.0 && options.ema_decay <= 1.0)) {
    return "EMA decay " + std::to_string(options.ema_decay) + " is outside (0, 1]";
  }
  if (options.histogram_bins < kMinHistogramBins || options.histogram_bins > kMaxHistogramBins) {
    return "histogram bins " + std::to_string(options.histogram_bins) + " is outside [" +
           std::to_string(kMinHistogramBins) + ", " + std::to_string(kMaxHistogramBins) + "]";
  }
  return "";
}

const char* calibrator_name(Calibrator calibrator) {
  switch (calibrator) {
    case Calibrator::kMinMax: return "minmax";
    case Calibrator::kEma: return "ema";
    case Calibrator::kPercentile: return "percentile";
    case Calibrator::kEntropy: return "entropy";
    case Calibrator::kMse: return "mse";
  }
  return "unknown";
}

bool parse_calibrator(const std::string& name, Calibrator* calibrator) {
  for (Calibrator c : {Calibrator::kMinMax, Calibrator::kEma, Calibrator::kPercentile,
                       Calibrator::kEntropy, Calibrator::kMse}) {
    if (name == calibrator_name(c)) {
      *calibrator = c;
      return true;
    }
  }
  return false;
}

std::unique_ptr<RangeObserver> make_range_observer(const CalibratorOptions& options) {
  if (!calibrator_options_error(options).empty()) return nullptr;
  switch (options.kind) {
    case Calibrator::kMinMax: return std::make_unique<MinMaxObserver>();
    case Calibrator::kEma: return std::make_unique<EmaObserver>(options.ema_decay);
    case Calibrator::kPercentile:
    case Calibrator::kEntropy:
    case Calibrator::kMse: return std::make_unique<HistogramObserver>(options);
  }
  return nullptr;
}

}  // namespace quantize
}  // namespace lowbit
