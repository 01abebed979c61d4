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

void bin_output_float__scalar(size_t channels, const int32_t* popcounts, const int32_t* correction,
                              const BinOutputStageParams& params, void* output) {
  float* out = static_cast<float*>(output);
  for (size_t c = 0; c < channels; ++c) {
    out[c] = ref::bin_transform_float(doubled_accumulator(popcounts, correction, c),
                                      params.multiplier[c], params.bias[c], params.clamp_min,
                                      params.clamp_max);
  }
}

void bin_output_int8__scalar(size_t channels, const int32_t* popcounts, const int32_t* correction,
                             const BinOutputStageParams& params, void* output) {
  int8_t* out = static_cast<int8_t*>(output);
  for (size_t c = 0; c < channels; ++c) {
    out[c] = ref::bin_transform_int8(doubled_accumulator(popcounts, correction, c),
                                     params.multiplier[c], params.bias[c], params.clamp_min,
                                     params.clamp_max);
  }
}

void bin_output_bits__scalar(size_t channels, const int32_t* popcounts, const int32_t* correction,
                             const BinOutputStageParams& params, void* output) {
  uint32_t* out = static_cast<uint32_t*>(output);
  std::fill(out, out + (channels + 31) / 32, 0u);
  for (size_t c = 0; c < channels; ++c) {
    if (doubled_accumulator(popcounts, correction, c) > params.doubled_threshold[c]) {
      out[c / 32] |= 1u << (c % 32);
    }
  }
}

const KernelVariant<BinOutputKernel>* bin_output_variants(size_t* count) {
  static const KernelVariant<BinOutputKernel> kVariants[] = {
#if defined(__x86_64__) || defined(__i386__)
      {"bin_output__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW,
       {bin_output_float__avx512, bin_output_int8__avx512, bin_output_bits__avx512}},
      {"bin_output__avx2", "avx2", kCpuAVX2,
       {bin_output_float__avx2, bin_output_int8__avx2, bin_output_bits__avx2}},
#endif
#if defined(__aarch64__) || defined(__arm__)
      {"bin_output__neon", "neon", kCpuNEON,
       {bin_output_float__neon, bin_output_int8__neon, bin_output_bits__neon}},
#endif
      {"bin_output__reference", "reference", 0,
       {bin_output_float__scalar, bin_output_int8__scalar, bin_output_bits__scalar}},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

}  // namespace lowbit
