#include "kernels/reference/hybrid.h"

#include <algorithm>
#include <cmath>

namespace lowbit {
namespace ref {
namespace {

// round(v) within the integer bounds [lo, hi], clamped before the conversion:
// a float input no range bounds (inf, huge, or a scale that underflowed) must
// not reach an out-of-range float-to-int conversion; NaN becomes 0. Equal to
// rounding then clamping for every finite v.
int8_t round_clamped(float v, float lo, float hi) {
  if (std::isnan(v)) return 0;
  return static_cast<int8_t>(std::round(std::min(hi, std::max(lo, v))));
}

}  // namespace

bool is_zero_vector(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] != 0.0f) return false;
  }
  return true;
}

void hybrid_quantize_row(const float* x, int n, bool asymmetric, int8_t* q, float* scale,
                         int32_t* offset) {
  const auto minmax = std::minmax_element(x, x + n);
  *offset = 0;
  if (!asymmetric) {
    const float range = std::max(std::abs(*minmax.first), std::abs(*minmax.second));
    if (range == 0.0f) {
      std::fill(q, q + n, int8_t{0});
      *scale = 1.0f;
      return;
    }
    *scale = range / 127.0f;
    const float inverse = 127.0f / range;
    for (int i = 0; i < n; ++i) q[i] = round_clamped(x[i] * inverse, -127.0f, 127.0f);
    return;
  }
  // The range always holds 0; the zero point comes from whichever end of the
  // range gives the smaller error, nudged onto the int8 grid, in double, from
  // the range's width as a float: LiteRT's x86 build subtracts the two ends in
  // float (a double subtraction misses its outputs by an ulp; lstm_cases.py).
  const float rmin = std::min(0.0f, *minmax.first), rmax = std::max(0.0f, *minmax.second);
  if (rmin == rmax) {
    std::fill(q, q + n, int8_t{0});
    *scale = 1.0f;
    return;
  }
  const double qmin = -128.0, qmax = 127.0;
  const double s = static_cast<double>(rmax - rmin) / (qmax - qmin);
  const double from_min = qmin - rmin / s, from_max = qmax - rmax / s;
  const double error_min = std::abs(qmin) + std::abs(rmin / s);
  const double error_max = std::abs(qmax) + std::abs(rmax / s);
  const double zero_point = error_min < error_max ? from_min : from_max;
  // An infinite input makes the zero point NaN: 0 then, never a NaN conversion.
  *offset = std::isnan(zero_point) ? 0
            : zero_point <= qmin   ? -128
            : zero_point >= qmax   ? 127
                                   : static_cast<int32_t>(std::round(zero_point));
  *scale = static_cast<float>(s);
  const float inverse = 1.0f / *scale;
  for (int i = 0; i < n; ++i) {
    q[i] = round_clamped(float(*offset) + x[i] * inverse, -128.0f, 127.0f);
  }
}

void hybrid_matvec_accumulate(const int8_t* weights, int rows, int cols, const int8_t* q,
                              float scale, int32_t offset, const int32_t* row_sums, float* result) {
  for (int r = 0; r < rows; ++r) {
    const int8_t* w = weights + int64_t{r} * cols;
    int64_t dot = 0;
    for (int c = 0; c < cols; ++c) dot += int32_t{w[c]} * q[c];
    if (offset != 0) dot -= int64_t{row_sums[r]} * offset;
    // TFLite sums in int32; wrapped explicitly, as it would on a (malformed) overflow.
    result[r] += static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(dot))) * scale;
  }
}

void hybrid_accumulate_sums(const int32_t* sums, int rows, float scale, int32_t offset,
                            const int32_t* row_sums, float* result) {
  for (int r = 0; r < rows; ++r) {
    // Modulo 2^32 as hybrid_matvec_accumulate's wrapped int64 difference.
    uint32_t dot = static_cast<uint32_t>(sums[r]);
    if (offset != 0) dot -= static_cast<uint32_t>(row_sums[r]) * static_cast<uint32_t>(offset);
    result[r] += static_cast<float>(static_cast<int32_t>(dot)) * scale;
  }
}

void int8_row_sums(const int8_t* weights, int rows, int cols, int32_t* sums) {
  for (int r = 0; r < rows; ++r) {
    int32_t sum = 0;
    for (int c = 0; c < cols; ++c) sum += weights[int64_t{r} * cols + c];
    sums[r] = sum;
  }
}

}  // namespace ref
}  // namespace lowbit
