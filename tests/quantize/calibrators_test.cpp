// The calibrators of lowbit-quantize (src/quantize/calibrators.cpp) on
// distributions whose right answer is known.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "quantize/calibrator_options.h"
#include "quantize/histogram.h"
#include "quantize/range_observer.h"

namespace lowbit {
namespace quantize {
namespace {

const Calibrator kAll[] = {Calibrator::kMinMax, Calibrator::kEma, Calibrator::kPercentile,
                           Calibrator::kEntropy, Calibrator::kMse};

CalibratorOptions options_for(Calibrator kind) {
  CalibratorOptions options;
  options.kind = kind;
  return options;
}

// Feeds each sample to a fresh observer of `options` and returns its range.
FloatRange calibrate(const CalibratorOptions& options, const std::vector<std::vector<float>>& samples) {
  std::unique_ptr<RangeObserver> observer = make_range_observer(options);
  REQUIRE(observer != nullptr);
  for (const std::vector<float>& sample : samples) observer->observe(sample.data(), sample.size());
  return observer->range();
}

FloatRange calibrate(Calibrator kind, const std::vector<std::vector<float>>& samples) {
  return calibrate(options_for(kind), samples);
}

template <typename Distribution>
std::vector<std::vector<float>> draw(Distribution distribution, int samples, int per_sample,
                                     unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<float>> out(static_cast<size_t>(samples));
  for (std::vector<float>& sample : out) {
    for (int i = 0; i < per_sample; ++i) sample.push_back(static_cast<float>(distribution(rng)));
  }
  return out;
}

// Mean squared error of asymmetric int8 quantization over `range`, as the
// runtime does it: scale = (max - min) / 255, integer zero point, clamping.
double quantization_mse(const std::vector<std::vector<float>>& samples, FloatRange range) {
  double scale = (static_cast<double>(range.max) - range.min) / 255.0;
  double zero_point = std::round(-128.0 - range.min / scale);
  double sum = 0.0;
  size_t n = 0;
  for (const std::vector<float>& sample : samples) {
    for (float v : sample) {
      double q = std::min(127.0, std::max(-128.0, std::round(v / scale) + zero_point));
      double back = (q - zero_point) * scale;
      sum += (back - v) * (back - v);
      ++n;
    }
  }
  return sum / static_cast<double>(n);
}

TEST_CASE("calibrators: minmax is the exact extremes") {
  FloatRange r = calibrate(Calibrator::kMinMax, {{0.5f, -0.25f, 1.75f}, {-3.125f, 2.0f}, {0.0f}});
  CHECK(r.min == -3.125f);
  CHECK(r.max == 1.75f + 0.25f);
}

TEST_CASE("calibrators: ema is the moving average of each sample's min and max") {
  CalibratorOptions options = options_for(Calibrator::kEma);
  options.ema_decay = 0.25;
  // The first sample starts the averages; then each moves 1/4 of the way.
  FloatRange r = calibrate(options, {{-1.0f, 0.5f, 1.0f}, {-3.0f, 5.0f}, {-1.0f, 1.0f}});
  double lo = -1.0 + 0.25 * (-3.0 + 1.0);
  double hi = 1.0 + 0.25 * (5.0 - 1.0);
  lo += 0.25 * (-1.0 - lo);
  hi += 0.25 * (1.0 - hi);
  CHECK(r.min == Approx(lo).epsilon(1e-6));
  CHECK(r.max == Approx(hi).epsilon(1e-6));
  // A sample with nothing finite does not move it.
  CHECK(calibrate(options, {{-1.0f, 1.0f}, {std::nanf("")}}).max == 1.0f);
}

TEST_CASE("calibrators: percentile clips a uniform sample at the quantile of each side") {
  // U[-1, 3]: 99% of the negative values lie above -0.99, 99% of the positive below 2.97.
  auto samples = draw(std::uniform_real_distribution<double>(-1.0, 3.0), 20, 10000, 7);
  CalibratorOptions options = options_for(Calibrator::kPercentile);
  options.percentile = 99.0;
  FloatRange r = calibrate(options, samples);
  CHECK(r.min == Approx(-0.99).margin(0.005));
  CHECK(r.max == Approx(2.97).margin(0.01));
  options.percentile = 90.0;
  r = calibrate(options, samples);
  CHECK(r.min == Approx(-0.9).margin(0.005));
  CHECK(r.max == Approx(2.7).margin(0.01));
  options.percentile = 100.0;
  FloatRange all = calibrate(options, samples);
  FloatRange minmax = calibrate(Calibrator::kMinMax, samples);
  CHECK(all.min == minmax.min);
  CHECK(all.max == minmax.max);
}

TEST_CASE("calibrators: an outlier far outside a Gaussian is clipped, except by minmax and ema") {
  auto samples = draw(std::normal_distribution<double>(0.0, 1.0), 20, 100000, 11);
  samples[3][17] = 100.0f;
  FloatRange minmax = calibrate(Calibrator::kMinMax, samples);
  CHECK(minmax.max == 100.0f);
  for (Calibrator kind : {Calibrator::kPercentile, Calibrator::kEntropy, Calibrator::kMse}) {
    INFO(calibrator_name(kind));
    FloatRange r = calibrate(kind, samples);
    // mse clips it only part of the way: with 2M values the rounding error a
    // wider range adds to all of them balances the outlier's clipping error
    // near 25 ((100 - t)^2 = 2e6 * (t + 4.5) / (255^2 * 12) * (255 / ...)).
    CHECK(r.max < (kind == Calibrator::kMse ? 40.0f : 10.0f));
    // The Gaussian itself is kept (99.99% lie within 3.9 sigma).
    CHECK(r.max > 3.0f);
    CHECK(r.min < -3.0f);
    CHECK(r.min >= minmax.min);
  }
}

TEST_CASE("calibrators: mse's range is the best clipping of heavy-tailed data") {
  auto samples = draw(std::student_t_distribution<double>(3.0), 5, 10000, 5);
  FloatRange minmax = calibrate(Calibrator::kMinMax, samples);
  FloatRange mse = calibrate(Calibrator::kMse, samples);
  CHECK(mse.max < minmax.max);
  CHECK(mse.min > minmax.min);
  double minmax_error = quantization_mse(samples, minmax);
  double mse_error = quantization_mse(samples, mse);
  INFO("range [" << mse.min << ", " << mse.max << "] of [" << minmax.min << ", " << minmax.max
                 << "]: error " << mse_error << ", minmax " << minmax_error);
  CHECK(mse_error < minmax_error);
  // Within a few percent of the best range a 40 x 40 grid of clippings finds,
  // measured with the real quantizer (zero point rounded, values clamped).
  double best = minmax_error;
  for (int i = 1; i <= 40; ++i) {
    for (int j = 1; j <= 40; ++j) {
      FloatRange r{minmax.min * static_cast<float>(i) / 40.0f, minmax.max * static_cast<float>(j) / 40.0f};
      best = std::min(best, quantization_mse(samples, r));
    }
  }
  INFO("best on the grid " << best);
  CHECK(mse_error <= 1.02 * best);
}

TEST_CASE("calibrators: mse clips a long thin tail when there are enough values to pay for it") {
  // 1M Laplace values reach about 14; clipping near 10 costs less than the
  // rounding error a range twice as wide would add to every value.
  auto samples = draw(std::exponential_distribution<double>(1.0), 10, 100000, 9);
  std::mt19937 rng(4);
  for (std::vector<float>& sample : samples) {
    for (float& v : sample) v = (rng() & 1) ? v : -v;
  }
  FloatRange minmax = calibrate(Calibrator::kMinMax, samples);
  FloatRange mse = calibrate(Calibrator::kMse, samples);
  double minmax_error = quantization_mse(samples, minmax);
  double mse_error = quantization_mse(samples, mse);
  INFO("range [" << mse.min << ", " << mse.max << "] of [" << minmax.min << ", " << minmax.max
                 << "]: error " << mse_error << ", minmax " << minmax_error);
  CHECK(mse_error < 0.75 * minmax_error);
}

TEST_CASE("calibrators: entropy does not clip a uniform distribution") {
  // Every clipped candidate piles the clipped values into its last bin, which
  // the candidate's coarser levels cannot follow; keeping everything costs no divergence.
  auto samples = draw(std::uniform_real_distribution<double>(-1.0, 2.0), 10, 20000, 21);
  FloatRange minmax = calibrate(Calibrator::kMinMax, samples);
  FloatRange entropy = calibrate(Calibrator::kEntropy, samples);
  CHECK(entropy.max >= 0.98f * minmax.max);
  CHECK(entropy.min <= 0.98f * minmax.min);
  // A ReLU of it: one side, all 256 levels; still nothing to clip.
  for (std::vector<float>& sample : samples) {
    for (float& v : sample) v = std::max(v, 0.0f);
  }
  entropy = calibrate(Calibrator::kEntropy, samples);
  CHECK(entropy.min == 0.0f);
  CHECK(entropy.max >= 0.98f * minmax.max);
}

TEST_CASE("calibrators: ReLU outputs keep min at 0 and the bulk of the values") {
  auto raw = draw(std::exponential_distribution<double>(1.0), 10, 20000, 3);
  for (std::vector<float>& sample : raw) {
    for (size_t i = 0; i < sample.size(); i += 2) sample[i] = 0.0f;  // half the values clipped by ReLU
  }
  for (Calibrator kind : kAll) {
    INFO(calibrator_name(kind));
    FloatRange r = calibrate(kind, raw);
    CHECK(r.min == 0.0f);
    CHECK(r.max > 4.0f);  // e^-4: 1.8% of the positive values lie above 4
  }
}

TEST_CASE("calibrators: every range contains 0") {
  std::vector<std::vector<float>> positive = {{2.0f, 3.0f, 5.0f}, {2.5f, 4.0f}};
  std::vector<std::vector<float>> negative = {{-2.0f, -3.0f, -5.0f}, {-2.5f, -4.0f}};
  for (Calibrator kind : kAll) {
    INFO(calibrator_name(kind));
    FloatRange p = calibrate(kind, positive);
    CHECK(p.min == 0.0f);
    CHECK(p.max > 0.0f);
    CHECK(p.max <= 5.0f);
    FloatRange n = calibrate(kind, negative);
    CHECK(n.max == 0.0f);
    CHECK(n.min < 0.0f);
    CHECK(n.min >= -5.0f);
  }
}

TEST_CASE("calibrators: an all-zero tensor, or no values, gets a small symmetric range") {
  for (Calibrator kind : kAll) {
    INFO(calibrator_name(kind));
    for (const auto& samples : {std::vector<std::vector<float>>{{0.0f, 0.0f}, {-0.0f}},
                                std::vector<std::vector<float>>{},
                                std::vector<std::vector<float>>{{}}}) {
      FloatRange r = calibrate(kind, samples);
      CHECK(r.min < 0.0f);
      CHECK(r.max > 0.0f);
      CHECK(r.max == -r.min);
      CHECK(r.max < 1e-5f);
    }
  }
}

TEST_CASE("calibrators: NaN and infinities are ignored") {
  const float inf = std::numeric_limits<float>::infinity();
  auto clean = draw(std::normal_distribution<double>(0.5, 1.0), 4, 5000, 13);
  auto dirty = clean;
  dirty[0].push_back(std::nanf(""));
  dirty[1].push_back(inf);
  dirty[2].push_back(-inf);
  dirty.push_back({std::nanf(""), inf});
  for (Calibrator kind : kAll) {
    INFO(calibrator_name(kind));
    FloatRange a = calibrate(kind, clean);
    FloatRange b = calibrate(kind, dirty);
    CHECK(a.min == b.min);
    CHECK(a.max == b.max);
    CHECK(std::isfinite(b.min));
    CHECK(std::isfinite(b.max));
  }
}

TEST_CASE("calibrators: bad options are refused with a message naming them") {
  CalibratorOptions options = options_for(Calibrator::kPercentile);
  CHECK(calibrator_options_error(options).empty());
  for (double percentile : {0.0, -1.0, 100.5, std::nan("")}) {
    options.percentile = percentile;
    CHECK(calibrator_options_error(options).find("percentile") != std::string::npos);
    CHECK(make_range_observer(options) == nullptr);
  }
  options = options_for(Calibrator::kEma);
  options.ema_decay = 1.5;
  CHECK(calibrator_options_error(options).find("EMA decay") != std::string::npos);
  CHECK(make_range_observer(options) == nullptr);
  options = options_for(Calibrator::kEntropy);
  for (int bins : {64, 8193}) {
    options.histogram_bins = bins;
    CHECK(calibrator_options_error(options).find("histogram bins") != std::string::npos);
    CHECK(make_range_observer(options) == nullptr);
  }
}

TEST_CASE("histogram: growing the range merges bins exactly") {
  // A first sample in [-1, 0.5], then values up to 37 and down to -6: the
  // counts must equal counting every value once with the final bin width.
  constexpr int kBins = 256;
  std::vector<std::vector<float>> samples = {{-1.0f, -0.3f, 0.0f, 0.1f, 0.25f, 0.5f, 0.4999f},
                                             {3.0f, 37.0f, -6.0f, 0.01f, 12.5f},
                                             {36.9f, -5.99f, 0.002f}};
  ValueHistogram histogram(kBins);
  for (const auto& sample : samples) histogram.add(sample.data(), sample.size());
  CHECK(histogram.zeros() == 1);
  for (bool positive : {true, false}) {
    const HistogramSide& side = positive ? histogram.positive() : histogram.negative();
    INFO((positive ? "positive" : "negative") << " side, bin width " << side.bin_width);
    CHECK(side.bin_width * kBins > (positive ? 37.0 : 6.0));
    CHECK(side.bin_width * kBins < 2 * (positive ? 37.0 : 6.0));
    std::vector<uint64_t> expected(kBins, 0);
    uint64_t total = 0;
    for (const auto& sample : samples) {
      for (float v : sample) {
        if (positive ? !(v > 0.0f) : !(v < 0.0f)) continue;
        double m = std::fabs(static_cast<double>(v));
        ++expected[std::min<size_t>(kBins - 1, static_cast<size_t>(std::floor(m / side.bin_width)))];
        ++total;
      }
    }
    CHECK(side.counts == expected);
    CHECK(side.total == total);
    CHECK(side.max_magnitude == (positive ? 37.0 : 6.0));
  }
}

TEST_CASE("histogram: a range growing by more than 2^63 at once") {
  // 1e-30 sets a tiny bin width; 3e38 then needs about 230 doublings: every
  // old value lands in bin 0, the new one in the last used bin.
  ValueHistogram histogram(2048);
  std::vector<float> tiny = {1e-30f, 5e-31f, -1e-30f};
  std::vector<float> huge = {3e38f, -3e38f, 1.0f};
  histogram.add(tiny.data(), tiny.size());
  histogram.add(huge.data(), huge.size());
  const HistogramSide& positive = histogram.positive();
  CHECK(positive.total == 4);
  CHECK(positive.counts[0] == 3);  // 1e-30, 5e-31, and 1.0 (far below a bin's width)
  CHECK(positive.counts[positive.used_bins() - 1] == 1);
  CHECK(positive.max_magnitude == static_cast<double>(3e38f));
  CHECK(histogram.negative().total == 2);
  for (Calibrator kind : kAll) {
    INFO(calibrator_name(kind));
    FloatRange r = calibrate(kind, {tiny, huge});
    CHECK(std::isfinite(r.min));
    CHECK(std::isfinite(r.max));
    CHECK(r.min < 0.0f);
    CHECK(r.max > 0.0f);
  }
}

TEST_CASE("histogram: mse keeps a value whose clipping would cost more than the rounding") {
  // Two point masses: clipping 2 to 1 costs 1 per value, rounding about 1e-5.
  FloatRange r = calibrate(Calibrator::kMse, {{1.0f, 1.0f, 2.0f, -1.0f}, {1.0f, -1.0f, 2.0f}});
  CHECK(r.max == 2.0f);
  CHECK(r.min == -1.0f);
}

}  // namespace
}  // namespace quantize
}  // namespace lowbit
