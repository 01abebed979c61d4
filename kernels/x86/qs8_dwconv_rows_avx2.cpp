// Depthwise row kernels with AVX2: 16-channel blocks (qs8_dwconv_rows_avx2.h)
// with vpmaddwd + vpaddd.
#include "kernels/x86/qs8_dwconv_rows_avx2.h"

namespace lowbit {
namespace {

constexpr size_t kBlock = 16;

struct Avx2Ops {
  static __m256i madd(__m256i acc, __m256i x, __m256i w) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w));
  }
  // A partial block copies its n bytes: reading 16 could pass the tensor's end.
  static __m128i load_bytes(const int8_t* src, size_t n) {
    if (n == kBlock) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    alignas(16) int8_t tail[kBlock] = {};
    std::memcpy(tail, src, n);
    return _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
  }
};

template <int K, int S, RequantProfile kProfile>
void row(const Qs8DwconvRowArgs& a) {
  constexpr size_t kBlockBytes = kBlock * sizeof(int32_t) + size_t(K) * ((K + 1) / 2) * kBlock * 4;
  const auto* w = static_cast<const uint8_t*>(a.packed_w);
  if (S == 1 && avx2::dwconv::two_pixel_rows(a, S)) {
    return avx2::dwconv::row_block16<K, 1, kProfile, kBlock, Avx2Ops, true>(a, 0, 8, w);
  }
  for (size_t block = 0; block < a.channels; block += kBlock, w += kBlockBytes) {
    const size_t n = a.channels - block < kBlock ? a.channels - block : kBlock;
    avx2::dwconv::row_block16<K, S, kProfile, kBlock, Avx2Ops>(a, block, n, w);
  }
}

template <int K, int S>
void row_any_profile(const Qs8DwconvRowArgs& a) {
  switch (qs8_kernel_profile(*a.params)) {
    case RequantProfile::kXnnpackFp32:
      return row<K, S, RequantProfile::kXnnpackFp32>(a);
    case RequantProfile::kSingleRounding:
      return row<K, S, RequantProfile::kSingleRounding>(a);
    case RequantProfile::kTfliteOptimized:
      return row<K, S, RequantProfile::kTfliteOptimized>(a);
    case RequantProfile::kTfliteReference:
    default:
      return row<K, S, RequantProfile::kTfliteReference>(a);
  }
}

}  // namespace

void qs8_dwconv_row3x3s1__avx2(const Qs8DwconvRowArgs& a) { row_any_profile<3, 1>(a); }
void qs8_dwconv_row3x3s2__avx2(const Qs8DwconvRowArgs& a) { row_any_profile<3, 2>(a); }
void qs8_dwconv_row5x5s1__avx2(const Qs8DwconvRowArgs& a) { row_any_profile<5, 1>(a); }
void qs8_dwconv_row5x5s2__avx2(const Qs8DwconvRowArgs& a) { row_any_profile<5, 2>(a); }

}  // namespace lowbit
