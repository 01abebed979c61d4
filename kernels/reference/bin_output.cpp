// Portable output stages (kernels/bin_gemm.h), written with the reference
// transforms of kernels/reference/bin_conv2d.h so the definition lives in one place.
#include <algorithm>

#include "kernels/bin_gemm.h"
#include "kernels/reference/bin_conv2d.h"

namespace lowbit {
namespace {

inline int32_t doubled_accumulator(const int32_t* popcounts, const int32_t* correction, size_t c) {
  return 2 * popcounts[c] + (correction != nullptr ? correction[c] : 0);
}

}  // namespace

void bin_output_float__reference(size_t channels, const int32_t* popcounts,
                                 const int32_t* correction, const BinOutputStageParams& params,
                                 void* output) {
  float* out = static_cast<float*>(output);
  for (size_t c = 0; c < channels; ++c) {
    out[c] = ref::bin_transform_float(doubled_accumulator(popcounts, correction, c),
                                      params.multiplier[c], params.bias[c], params.clamp_min,
                                      params.clamp_max);
  }
}

void bin_output_int8__reference(size_t channels, const int32_t* popcounts,
                                const int32_t* correction, const BinOutputStageParams& params,
                                void* output) {
  int8_t* out = static_cast<int8_t*>(output);
  for (size_t c = 0; c < channels; ++c) {
    out[c] = ref::bin_transform_int8(doubled_accumulator(popcounts, correction, c),
                                     params.multiplier[c], params.bias[c], params.clamp_min,
                                     params.clamp_max);
  }
}

void bin_output_bits__reference(size_t channels, const int32_t* popcounts,
                                const int32_t* correction, const BinOutputStageParams& params,
                                void* output) {
  uint32_t* out = static_cast<uint32_t*>(output);
  std::fill(out, out + (channels + 31) / 32, 0u);
  for (size_t c = 0; c < channels; ++c) {
    if (doubled_accumulator(popcounts, correction, c) > params.doubled_threshold[c]) {
      out[c / 32] |= 1u << (c % 32);
    }
  }
}

}  // namespace lowbit
