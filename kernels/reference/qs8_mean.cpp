#include "kernels/reference/qs8_mean.h"

#include <algorithm>

#include "kernels/reference/reduce.h"

namespace lowbit {
namespace ref {
namespace {

template <typename T>
void mean(const MeanQuantParams& p, const T* input, T* output, size_t begin, size_t end) {
  for (size_t o = begin; o < end; ++o) {
    int32_t sum = 0;
    for_each_reduced(p, reduce_output_base(p, o), [&](size_t i) { sum += input[i]; });
    output[o] = static_cast<T>(requantize_to_output(sum - p.count * p.input_zero_point,
                                                    p.requantizer, p.profile,
                                                    p.output_zero_point, p.act_min, p.act_max));
  }
}

int floor_log2(uint32_t v) {
  int log = -1;
  while (v) {
    v >>= 1;
    ++log;
  }
  return log;
}

}  // namespace

QuantizedMultiplier fold_mean_count(QuantizedMultiplier scale, int32_t count) {
  if (count <= 0) return scale;
  int shift = std::min(floor_log2(static_cast<uint32_t>(count)), 32);
  shift = std::min<int>(shift, 31 + scale.shift);
  // A negative shift would need a right shift of the multiplier; only
  // multipliers below 2^-31 get there and they quantize to zero anyway.
  shift = std::max(shift, 0);
  QuantizedMultiplier folded;
  folded.multiplier =
      static_cast<int32_t>((static_cast<int64_t>(scale.multiplier) << shift) / count);
  folded.shift = scale.shift - shift;
  return folded;
}

void qs8_mean__reference(const MeanQuantParams& p, const int8_t* input, int8_t* output,
                         size_t begin, size_t end) {
  mean(p, input, output, begin, end);
}

void qu8_mean__reference(const MeanQuantParams& p, const uint8_t* input, uint8_t* output,
                         size_t begin, size_t end) {
  mean(p, input, output, begin, end);
}

void qs16_mean__reference(const MeanQuantParams& p, const int16_t* input, int16_t* output,
                          size_t begin, size_t end) {
  mean(p, input, output, begin, end);
}

}  // namespace ref
}  // namespace lowbit
