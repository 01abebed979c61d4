// Weight packing shared by every qs8 GEMM variant, and the portable variant
// that defines their results.
#include <cstring>

#include "kernels/qs8_gemm.h"

namespace lowbit {

size_t qs8_gemm_packed_bytes(const Qs8GemmLayout& layout, size_t n, size_t k) {
  const size_t blocks = (n + layout.nr - 1) / layout.nr;
  return blocks * layout.nr * (sizeof(int32_t) + qs8_gemm_padded_k(layout, k));
}

void qs8_gemm_pack(const Qs8GemmLayout& layout, size_t n, size_t k, const int8_t* weights,
                   const int32_t* bias, int32_t input_zero_point, void* packed) {
  const size_t nr = layout.nr, kg = layout.k_group;
  const size_t padded_k = qs8_gemm_padded_k(layout, k);
  // The accumulator sums a*w over raw activations; subtracting zp*sum(w) once
  // here turns it into sum((a - zp) * w). VNNI feeds a + 128 and needs 128 more.
  const int32_t offset = input_zero_point + (layout.unsigned_activations ? 128 : 0);
  auto* out = static_cast<uint8_t*>(packed);
  for (size_t block = 0; block < n; block += nr) {
    int32_t block_bias[64];
    for (size_t j = 0; j < nr; ++j) {
      const size_t ch = block + j;
      int32_t sum_w = 0;
      if (ch < n) {
        for (size_t i = 0; i < k; ++i) sum_w += weights[ch * k + i];
      }
      block_bias[j] = ch < n ? (bias ? bias[ch] : 0) - offset * sum_w : 0;
    }
    std::memcpy(out, block_bias, nr * sizeof(int32_t));
    out += nr * sizeof(int32_t);
    for (size_t g = 0; g < padded_k; g += kg) {
      for (size_t j = 0; j < nr; ++j) {
        const size_t ch = block + j;
        for (size_t i = 0; i < kg; ++i) {
          const size_t kk = g + i;
          *out++ = static_cast<uint8_t>((ch < n && kk < k) ? weights[ch * k + kk] : 0);
        }
      }
    }
  }
}

void qs8_gemm_4x8__scalar(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                          const void* packed_w, int8_t* c, size_t c_stride,
                          const Qs8GemmParams& params) {
  constexpr size_t kNR = 8;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    int32_t acc[4][kNR];
    int32_t bias[kNR];
    std::memcpy(bias, w, sizeof(bias));
    const auto* wk = reinterpret_cast<const int8_t*>(w + sizeof(bias));
    for (size_t m = 0; m < mr; ++m) {
      for (size_t j = 0; j < kNR; ++j) acc[m][j] = bias[j];
      for (size_t i = 0; i < k; ++i) {
        const int32_t a = a_rows[m][i];
        for (size_t j = 0; j < kNR; ++j) acc[m][j] += a * wk[i * kNR + j];
      }
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr; ++m) {
      for (size_t j = 0; j < channels; ++j) {
        const size_t ch = block + j;
        ref::Requantizer r;
        r.multiplier = params.multiplier[ch];
        r.shift = params.shift[ch];
        r.scale = params.scale[ch];
        c[m * c_stride + ch] = static_cast<int8_t>(ref::requantize_to_output(
            acc[m][j], r, params.profile, params.output_zero_point, params.output_min,
            params.output_max));
      }
    }
    w += kNR * (sizeof(int32_t) + k);
  }
}

const KernelVariant<Qs8GemmKernel>* qs8_gemm_variants(size_t* count) {
  static const KernelVariant<Qs8GemmKernel> kVariants[] = {
#if defined(__x86_64__)
      {"qs8_gemm_8x16c4__avx512vnni", "avx512vnni", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI,
       {qs8_gemm_8x16c4__avx512vnni, 8, {16, 4, true}, qs8_igemm_8x16c4__avx512vnni}},
      {"qs8_gemm_8x16c2__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW,
       {qs8_gemm_8x16c2__avx512, 8, {16, 2, false}}},
      // Untested on real hardware: this machine and qemu lack AVX-VNNI.
      {"qs8_gemm_4x8c4__avxvnni", "avxvnni", kCpuAVX2 | kCpuAVXVNNI,
       {qs8_gemm_4x8c4__avxvnni, 4, {8, 4, true}}},
      {"qs8_gemm_2x8c8__avx2", "avx2", kCpuAVX2, {qs8_gemm_2x8c8__avx2, 2, {8, 8, false}}},
#endif
#if defined(__aarch64__)
      {"qs8_gemm_4x8c8__i8mm", "i8mm", kCpuNEON | kCpuNEONDot | kCpuNEONI8MM,
       {qs8_gemm_4x8c8__i8mm, 4, {8, 8, false}}},
      {"qs8_gemm_4x16c4__neondot", "neondot", kCpuNEON | kCpuNEONDot,
       {qs8_gemm_4x16c4__neondot, 4, {16, 4, false}, qs8_igemm_4x16c4__neondot}},
      {"qs8_gemm_2x8c8__neon", "neon", kCpuNEON, {qs8_gemm_2x8c8__neon, 2, {8, 8, false}}},
#elif defined(__arm__)
      // The library is built for Debian's armhf baseline (no NEON): this one
      // has -mfpu=neon and runs only where NEON is detected.
      {"qs8_gemm_2x8c8__armv7neon", "neon", kCpuNEON,
       {qs8_gemm_2x8c8__armv7neon, 2, {8, 8, false}}},
#endif
      {"qs8_gemm_4x8__reference", "reference", 0, {qs8_gemm_4x8__scalar, 4, {8, 1, false}}},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

}  // namespace lowbit
