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

// The float and int8 stages: channel c through `transform`
// (ref::bin_transform_float or _int8).
template <typename T, typename Transform>
void transform_channels(size_t channels, const int32_t* popcounts, const int32_t* correction,
                        const BinOutputStageParams& params, void* output, Transform transform) {
  T* out = static_cast<T*>(output);
  for (size_t c = 0; c < channels; ++c) {
    out[c] = transform(doubled_accumulator(popcounts, correction, c), params.multiplier[c],
                       params.bias[c], params.clamp_min, params.clamp_max);
  }
}

}  // namespace

void bin_output_float__reference(size_t channels, const int32_t* popcounts,
                                 const int32_t* correction, const BinOutputStageParams& params,
                                 void* output) {
  transform_channels<float>(channels, popcounts, correction, params, output,
                            ref::bin_transform_float);
}

void bin_output_int8__reference(size_t channels, const int32_t* popcounts,
                                const int32_t* correction, const BinOutputStageParams& params,
                                void* output) {
  transform_channels<int8_t>(channels, popcounts, correction, params, output,
                             ref::bin_transform_int8);
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
