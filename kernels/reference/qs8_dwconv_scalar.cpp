// Depthwise weight packing and the portable microkernel the SIMD variants
// must equal.
#include <cstring>

#include "kernels/qs8_dwconv.h"

namespace lowbit {

size_t qs8_dwconv_packed_bytes(size_t channel_block, size_t channels, size_t taps) {
  const size_t blocks = (channels + channel_block - 1) / channel_block;
  return blocks * channel_block * (sizeof(int32_t) + taps);
}

void qs8_dwconv_pack(size_t channel_block, size_t channels, size_t taps, const int8_t* weights,
                     const int32_t* bias, int32_t input_zero_point, void* packed) {
  auto* out = static_cast<uint8_t*>(packed);
  for (size_t block = 0; block < channels; block += channel_block) {
    for (size_t j = 0; j < channel_block; ++j) {
      const size_t c = block + j;
      int32_t value = 0;
      if (c < channels) {
        int32_t sum_w = 0;
        for (size_t t = 0; t < taps; ++t) sum_w += weights[t * channels + c];
        value = (bias ? bias[c] : 0) - input_zero_point * sum_w;
      }
      std::memcpy(out, &value, sizeof(value));
      out += sizeof(value);
    }
    for (size_t t = 0; t < taps; ++t) {
      for (size_t j = 0; j < channel_block; ++j) {
        const size_t c = block + j;
        *out++ = static_cast<uint8_t>(c < channels ? weights[t * channels + c] : 0);
      }
    }
  }
}

void qs8_dwconv_c8__scalar(size_t channels, size_t taps, const int8_t* const* inputs,
                           const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  constexpr size_t kBlock = 8;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < channels; block += kBlock) {
    int32_t acc[kBlock];
    std::memcpy(acc, w, sizeof(acc));
    const auto* wt = reinterpret_cast<const int8_t*>(w + sizeof(acc));
    const size_t n = channels - block < kBlock ? channels - block : kBlock;
    for (size_t t = 0; t < taps; ++t) {
      for (size_t j = 0; j < n; ++j) acc[j] += int32_t(inputs[t][block + j]) * wt[t * kBlock + j];
    }
    for (size_t j = 0; j < n; ++j) {
      const size_t c = block + j;
      ref::Requantizer r;
      r.multiplier = params.multiplier[c];
      r.shift = params.shift[c];
      r.scale = params.scale[c];
      output[c] = static_cast<int8_t>(ref::requantize_to_output(
          acc[j], r, params.profile, params.output_zero_point, params.output_min,
          params.output_max));
    }
    w += kBlock * (sizeof(int32_t) + taps);
  }
}

const KernelVariant<Qs8DwconvKernel>* qs8_dwconv_variants(size_t* count) {
#if defined(__aarch64__)
  static constexpr Qs8DwconvKernel kNeonDwconv = {
      qs8_dwconv_c8__neon, 8, qs8_dwconv_row3x3s1__neon, qs8_dwconv_row3x3s2__neon,
      qs8_dwconv_row5x5s1__neon, qs8_dwconv_row5x5s2__neon, true};
  // The same with SDOT for 3x3 (5x5 and the generic kernel are the NEON ones).
  static constexpr Qs8DwconvKernel kNeonDotDwconv = {
      qs8_dwconv_c8__neon, 8, qs8_dwconv_row3x3s1__neondot, qs8_dwconv_row3x3s2__neondot,
      qs8_dwconv_row5x5s1__neon, qs8_dwconv_row5x5s2__neon, true};
#endif
  static const KernelVariant<Qs8DwconvKernel> kVariants[] = {
#if defined(__x86_64__)
      {"qs8_dwconv_c32__avx512vnni", "avx512vnni", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI,
       {qs8_dwconv_c32__avx512, 32, qs8_dwconv_row3x3s1__avx512vnni, qs8_dwconv_row3x3s2__avx512vnni,
        qs8_dwconv_row5x5s1__avx512vnni, qs8_dwconv_row5x5s2__avx512vnni, true}},
      {"qs8_dwconv_c32__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW,
       {qs8_dwconv_c32__avx512, 32, qs8_dwconv_row3x3s1__avx512, qs8_dwconv_row3x3s2__avx512,
        qs8_dwconv_row5x5s1__avx512, qs8_dwconv_row5x5s2__avx512, true}},
      {"qs8_dwconv_c16__avx2", "avx2", kCpuAVX2,
       {qs8_dwconv_c16__avx2, 16, qs8_dwconv_row3x3s1__avx2, qs8_dwconv_row3x3s2__avx2,
        qs8_dwconv_row5x5s1__avx2, qs8_dwconv_row5x5s2__avx2, true}},
#endif
#if defined(__aarch64__)
      {"qs8_dwconv_c8__neondot", "neondot", kCpuNEON | kCpuNEONDot, kNeonDotDwconv},
      {"qs8_dwconv_c8__neon", "neon", kCpuNEON, kNeonDwconv},
#elif defined(__arm__)
      // The library is built for Debian's armhf baseline (no NEON): this one
      // has -mfpu=neon and runs only where NEON is detected.
      {"qs8_dwconv_c8__armv7neon", "neon", kCpuNEON,
       {qs8_dwconv_c8__armv7neon, 8, qs8_dwconv_row3x3s1__armv7neon, qs8_dwconv_row3x3s2__armv7neon,
        qs8_dwconv_row5x5s1__armv7neon, qs8_dwconv_row5x5s2__armv7neon, true}},
#endif
      // The operator runs its own reference kernel for the "reference" set;
      // these serve as the portable definition in the kernel tests.
      {"qs8_dwconv_c8__reference", "reference", 0,
       {qs8_dwconv_c8__scalar, 8, qs8_dwconv_row3x3s1__scalar, qs8_dwconv_row3x3s2__scalar,
        qs8_dwconv_row5x5s1__scalar, qs8_dwconv_row5x5s2__scalar, true}},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

}  // namespace lowbit
