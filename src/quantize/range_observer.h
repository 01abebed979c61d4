// Calibration: what lowbit-quantize learns about one float tensor from the
// representative inputs, reduced to the float range its int8 quantization covers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace lowbit {
namespace quantize {

// How a tensor's observed values become a range (docs/quantization.md).
enum class Calibrator { kMinMax, kEma, kPercentile, kEntropy, kMse };

const char* calibrator_name(Calibrator calibrator);  // "minmax", "ema", ...
bool parse_calibrator(const std::string& name, Calibrator* calibrator);

struct CalibratorOptions {
  Calibrator kind = Calibrator::kMinMax;
  // kPercentile: the percent of values (by magnitude, each side) the range keeps.
  double percentile = 99.99;
  // kEma: weight of each new sample's min/max in the moving average.
  double ema_decay = 0.01;
  // kPercentile, kEntropy, kMse: resolution of the value histogram.
  int histogram_bins = 2048;
};

struct FloatRange {
  float min = 0.0f;
  float max = 0.0f;
};

// Sees one tensor's values, one calibration sample at a time, and proposes a
// range. The range always contains 0 (int8 must represent zero exactly) and is
// never empty: a tensor that was always 0 gets a small symmetric range.
class RangeObserver {
 public:
  virtual ~RangeObserver() = default;
  // All of the tensor's values for one sample (every batch row of it).
  virtual void observe(const float* values, size_t count) = 0;
  virtual FloatRange range() const = 0;
};

std::unique_ptr<RangeObserver> make_range_observer(const CalibratorOptions& options);

}  // namespace quantize
}  // namespace lowbit
