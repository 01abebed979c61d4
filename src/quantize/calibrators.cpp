#include <algorithm>
#include <cmath>
#include <limits>

#include "quantize/range_observer.h"

namespace lowbit {
namespace quantize {
namespace {

// Smallest half-width given to a tensor that was always zero.
constexpr float kEmptyRangeHalfWidth = 1e-6f;

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
    if (lo_ > hi_) return include_zero(0.0f, 0.0f);
    return include_zero(lo_, hi_);
  }

 private:
  float lo_ = std::numeric_limits<float>::infinity();
  float hi_ = -std::numeric_limits<float>::infinity();
};

}  // namespace

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

// Only minmax so far; the other calibrators return nullptr until they exist.
std::unique_ptr<RangeObserver> make_range_observer(const CalibratorOptions& options) {
  if (options.kind == Calibrator::kMinMax) return std::make_unique<MinMaxObserver>();
  return nullptr;
}

}  // namespace quantize
}  // namespace lowbit
