#include "kernels/reference/qs16_softmax.h"

#include <algorithm>
#include <cmath>

namespace lowbit {
namespace ref {
namespace {

constexpr double kInt16Min = -32768.0, kInt16Max = 32767.0;

int count_leading_zeros(uint32_t v) {
  int n = 0;
  for (uint32_t bit = uint32_t{1} << 31; bit != 0 && (v & bit) == 0; bit >>= 1) ++n;
  return n;
}

int16_t saturate_int16(int32_t v) {
  return static_cast<int16_t>(std::min(std::max(v, int32_t{-32768}), int32_t{32767}));
}

}  // namespace

void make_int16_lut(double (*f)(double), double input_min, double input_max,
                    int16_t lut[kInt16LutSize]) {
  constexpr int kSteps = kInt16LutSize - 1;
  const double step = (input_max - input_min) / kSteps;
  // Output range [-1, 1] onto 65536 levels.
  const double scale = 65536.0 / 2.0;
  for (int i = 0; i < kSteps; ++i) {
    const double value = f(input_min + i * step);
    const double midpoint = f(input_min + i * step + step / 2);
    const double next = f(input_min + (i + 1) * step);
    const double sample = std::round(value * scale);
    const double interpolated_midpoint = std::round((next * scale + sample) / 2);
    const double bias = std::round((interpolated_midpoint - std::round(midpoint * scale)) / 2);
    lut[i] = static_cast<int16_t>(std::min(std::max(sample - bias, kInt16Min), kInt16Max));
  }
  const double last = std::round(f(input_max) * scale);
  lut[kSteps] = static_cast<int16_t>(std::min(std::max(last, kInt16Min), kInt16Max));
}

int16_t int16_lut_lookup(int16_t value, const int16_t* lut) {
  const int index = 256 + (value >> 7);  // 0..511
  const int32_t offset = value & 0x7f;
  const int16_t base = lut[index];
  const auto slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  return static_cast<int16_t>(base + ((int32_t{slope} * offset + 64) >> 7));
}

void qs16_softmax__reference(const Qs16SoftmaxParams& p, size_t rows, size_t row_size,
                             const int16_t* input, int16_t* output) {
  for (size_t r = 0; r < rows && row_size > 0; ++r) {
    const int16_t* in = input + r * row_size;
    int16_t* out = output + r * row_size;
    const int32_t row_max = *std::max_element(in, in + row_size);
    // exp(x - max) in Q0.15, kept in the output row; their sum in Q16.15
    // (rows are at most 65535 long, so it fits).
    int32_t sum_of_exps = 0;
    for (size_t c = 0; c < row_size; ++c) {
      const int32_t scaled = requantize(in[c] - row_max, p.input_rescale, p.profile);
      // [-65535, 0] recentred onto the table's [-32768, 32767].
      out[c] = int16_lut_lookup(saturate_int16(scaled + 32767), p.exp_lut);
      sum_of_exps += out[c];
    }
    // 1 / sum: the sum normalized to [1, 2) as 1 + x with x in Q0.16, x
    // recentred onto [-32768, 32767], then the 1 / (1 + x) table.
    const int headroom_plus_one = count_leading_zeros(static_cast<uint32_t>(sum_of_exps));
    const auto shifted_sum = static_cast<int32_t>(
        ((static_cast<int64_t>(sum_of_exps) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int16_t reciprocal = int16_lut_lookup(
        saturate_int16(shifted_sum - ((1 << 15) + (1 << 16))), p.one_over_one_plus_x_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (size_t c = 0; c < row_size; ++c) {
      const auto result =
          static_cast<int32_t>((int64_t{out[c]} * int64_t{reciprocal} + round) >> right_shift);
      out[c] = static_cast<int16_t>(std::min(std::max(result, int32_t{0}), int32_t{32767}));
    }
  }
}

}  // namespace ref
}  // namespace lowbit
