#include "quantize/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lowbit {
namespace quantize {
namespace {

// Probability given to a bin where the candidate Q is empty but P is not.
constexpr double kSmoothing = 1e-4;
// Steps of an int8 range: 256 levels.
constexpr double kInt8Steps = 255.0;

// Makes room for magnitude m: the first value sets the bin width, later ones
// double it (merging bins 2^k into 1) until m fits below the last edge.
void grow(HistogramSide& side, size_t bins, double m) {
  if (!(m > 0.0)) return;
  if (side.bin_width == 0.0) {
    side.bin_width = m / static_cast<double>(bins - 1);
    return;
  }
  unsigned doublings = 0;
  while (m >= side.bin_width * static_cast<double>(bins)) {
    side.bin_width *= 2.0;
    ++doublings;
  }
  if (doublings == 0) return;
  std::vector<uint64_t> counts(bins, 0);
  std::vector<double> sums(bins, 0.0);
  for (size_t i = 0; i < bins; ++i) {
    // Past 2^63 every old bin lands in the first one (and a shift that wide is undefined).
    size_t to = doublings >= 63 ? 0 : (i >> doublings);
    counts[to] += side.counts[i];
    sums[to] += side.sums[i];
  }
  side.counts.swap(counts);
  side.sums.swap(sums);
}

void count(HistogramSide& side, double m) {
  size_t last = side.counts.size() - 1;
  // m < bins * width, so only rounding can take the quotient to `bins`.
  double position = std::floor(m / side.bin_width);
  size_t bin = position >= static_cast<double>(last) ? last : static_cast<size_t>(position);
  ++side.counts[bin];
  side.sums[bin] += m;
  ++side.total;
  side.max_magnitude = std::max(side.max_magnitude, m);
}

}  // namespace

size_t HistogramSide::used_bins() const {
  if (total == 0) return 0;
  double last = std::floor(max_magnitude / bin_width);
  return std::min(counts.size(), static_cast<size_t>(last) + 1);
}

ValueHistogram::ValueHistogram(int bins) {
  for (HistogramSide* side : {&positive_, &negative_}) {
    side->counts.assign(static_cast<size_t>(bins), 0);
    side->sums.assign(static_cast<size_t>(bins), 0.0);
  }
}

void ValueHistogram::add(const float* values, size_t n) {
  double largest_positive = 0.0;
  double largest_negative = 0.0;
  for (size_t i = 0; i < n; ++i) {
    float v = values[i];
    if (!std::isfinite(v)) continue;
    if (v > 0.0f) largest_positive = std::max(largest_positive, static_cast<double>(v));
    if (v < 0.0f) largest_negative = std::max(largest_negative, -static_cast<double>(v));
  }
  size_t bins = positive_.counts.size();
  grow(positive_, bins, largest_positive);
  grow(negative_, bins, largest_negative);
  for (size_t i = 0; i < n; ++i) {
    float v = values[i];
    if (!std::isfinite(v)) continue;
    if (v > 0.0f) {
      count(positive_, v);
    } else if (v < 0.0f) {
      count(negative_, -static_cast<double>(v));
    } else {
      ++zeros_;
    }
  }
}

double side_quantile(const HistogramSide& side, double fraction) {
  if (side.total == 0) return 0.0;
  double target = fraction * static_cast<double>(side.total);
  double below = 0.0;
  size_t used = side.used_bins();
  for (size_t i = 0; i < used; ++i) {
    double in_bin = static_cast<double>(side.counts[i]);
    if (in_bin > 0.0 && below + in_bin >= target) {
      double inside = std::max(0.0, target - below) / in_bin;
      return std::min(side.max_magnitude, (static_cast<double>(i) + inside) * side.bin_width);
    }
    below += in_bin;
  }
  return side.max_magnitude;
}

// KL(P || Q) for clipping after `kept` bins.
static double clipped_divergence(const std::vector<uint64_t>& counts, size_t kept, double total,
                                 size_t levels) {
  double outliers = 0.0;
  for (size_t b = kept; b < counts.size(); ++b) outliers += static_cast<double>(counts[b]);
  double kept_total = total - outliers;
  if (!(kept_total > 0.0)) return std::numeric_limits<double>::infinity();  // all clipped
  auto reference = [&](size_t b) {
    return static_cast<double>(counts[b]) + (b + 1 == kept ? outliers : 0.0);
  };
  double divergence = 0.0;
  for (size_t level = 0; level < levels; ++level) {
    size_t begin = level * kept / levels;
    size_t end = (level + 1) * kept / levels;
    // Q spreads each level's mass evenly over the bins where P is nonzero.
    double mass = 0.0;
    size_t nonzero = 0;
    for (size_t b = begin; b < end; ++b) {
      mass += static_cast<double>(counts[b]);
      if (reference(b) > 0.0) ++nonzero;
    }
    if (nonzero == 0) continue;
    // Where P has mass and Q has none (outliers folded into a last bin that
    // was empty), Q gets a small probability instead of 0, as the usual
    // implementations smooth it: clipping a few far outliers must stay possible.
    double q = mass > 0.0 ? mass / static_cast<double>(nonzero) / kept_total : kSmoothing;
    for (size_t b = begin; b < end; ++b) {
      double p = reference(b) / total;
      if (p > 0.0) divergence += p * std::log(p / q);
    }
  }
  return divergence;
}

double side_entropy_threshold(const HistogramSide& side, size_t levels) {
  size_t used = side.used_bins();
  if (used <= levels) return side.max_magnitude;
  double total = static_cast<double>(side.total);
  double best = std::numeric_limits<double>::infinity();
  size_t best_kept = used;
  for (size_t kept = levels; kept <= used; ++kept) {
    double divergence = clipped_divergence(side.counts, kept, total, levels);
    if (divergence < best) {
      best = divergence;
      best_kept = kept;
    }
  }
  return std::min(side.max_magnitude, static_cast<double>(best_kept) * side.bin_width);
}

namespace {

// Candidate clipping magnitudes of one side (bin edges, the last one the
// largest value) with, for each, the squared error of clipping there and the
// count of values left inside. Each bin's values count as at their mean.
struct ClipCandidates {
  std::vector<double> threshold;
  std::vector<double> clip_error;
  std::vector<double> inside;
};

ClipCandidates clip_candidates(const HistogramSide& side) {
  ClipCandidates c;
  size_t used = side.used_bins();
  if (used == 0) {
    c.threshold.push_back(0.0);
    c.clip_error.push_back(0.0);
    c.inside.push_back(0.0);
    return c;
  }
  // Suffix sums of n, n*x, n*x^2 over bins k.. (bins beyond threshold k*width).
  std::vector<double> s0(used + 1, 0.0), s1(used + 1, 0.0), s2(used + 1, 0.0);
  for (size_t b = used; b-- > 0;) {
    double n = static_cast<double>(side.counts[b]);
    double x = n > 0.0 ? side.sums[b] / n : 0.0;
    s0[b] = s0[b + 1] + n;
    s1[b] = s1[b + 1] + n * x;
    s2[b] = s2[b + 1] + n * x * x;
  }
  for (size_t k = 1; k <= used; ++k) {
    double t = k == used ? side.max_magnitude : static_cast<double>(k) * side.bin_width;
    c.threshold.push_back(t);
    c.clip_error.push_back(std::max(0.0, s2[k] - 2.0 * t * s1[k] + t * t * s0[k]));
    c.inside.push_back(s0[0] - s0[k]);
  }
  return c;
}

}  // namespace

ClipPair mse_clip(const ValueHistogram& histogram) {
  ClipCandidates negative = clip_candidates(histogram.negative());
  ClipCandidates positive = clip_candidates(histogram.positive());
  ClipPair best_pair{negative.threshold.back(), positive.threshold.back()};
  double best = std::numeric_limits<double>::infinity();
  for (size_t n = 0; n < negative.threshold.size(); ++n) {
    for (size_t p = 0; p < positive.threshold.size(); ++p) {
      double step = (negative.threshold[n] + positive.threshold[p]) / kInt8Steps;
      double error = negative.clip_error[n] + positive.clip_error[p] +
                     (negative.inside[n] + positive.inside[p]) * step * step / 12.0;
      if (error < best) {
        best = error;
        best_pair = {negative.threshold[n], positive.threshold[p]};
      }
    }
  }
  return best_pair;
}

}  // namespace quantize
}  // namespace lowbit
