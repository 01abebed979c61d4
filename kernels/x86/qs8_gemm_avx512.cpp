// int8 GEMM, 8 rows x 16 channels, AVX-512BW 16-bit multiply-add path for
// CPUs without VNNI. Weights are packed two k-values per channel ("c2"), so
// 32 bytes sign-extend to one register of int16 pairs; VPMADDWD against a
// broadcast pair of activations sums both products straight into the
// channel's int32 lane: no horizontal reduction and nothing saturates.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kMR = 8, kNR = 16;

// Eight int8 activations as four int16 pairs, one pair per 32-bit lane.
inline __m512i load_pairs8(const int8_t* p) {
  int64_t bits;
  std::memcpy(&bits, p, 8);
  return _mm512_broadcast_i32x4(_mm_cvtepi8_epi16(_mm_cvtsi64_si128(bits)));
}

// Multiplies `pairs` pairs (up to four) of every row into the accumulators.
inline void madd_pairs(__m512i acc[kMR], const __m512i a[kMR], const uint8_t*& w, size_t pairs) {
  for (size_t p = 0; p < pairs; ++p) {
    const __m512i vw =
        _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)));
    w += 2 * kNR;
    const __m512i lane = _mm512_set1_epi32(static_cast<int32_t>(p));
    for (size_t m = 0; m < kMR; ++m) {
      acc[m] = _mm512_add_epi32(acc[m],
                                _mm512_madd_epi16(_mm512_permutexvar_epi32(lane, a[m]), vw));
    }
  }
}

}  // namespace

void qs8_gemm_8x16c2__avx512(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                             const void* packed_w, int8_t* c, size_t c_stride,
                             const Qs8GemmParams& params) {
  const int8_t* rows[kMR];
  for (size_t m = 0; m < kMR; ++m) rows[m] = a_rows[m < mr ? m : mr - 1];
  const size_t k_main = k & ~size_t{7};
  const size_t tail_pairs = ((k - k_main) + 1) / 2;
  // The last partial chunk of each row is copied so no row is read past K.
  alignas(8) int8_t tails[kMR][8] = {};
  for (size_t m = 0; m < kMR; ++m) std::memcpy(tails[m], rows[m] + k_main, k - k_main);

  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const __m512i bias = _mm512_loadu_si512(w);
    w += kNR * sizeof(int32_t);
    __m512i acc[kMR], a[kMR];
    for (size_t m = 0; m < kMR; ++m) acc[m] = bias;
    // Legacy uint8 row sums: row m's offset in every lane (rows past mr
    // repeat the last row's, as their inputs do; a fixed trip count keeps
    // acc in registers).
    if (params.row_offsets) {
      for (size_t m = 0; m < kMR; ++m) {
        const int32_t offset = params.row_offsets[m < mr ? m : mr - 1];
        acc[m] = _mm512_add_epi32(acc[m], _mm512_set1_epi32(offset));
      }
    }
    for (size_t kk = 0; kk < k_main; kk += 8) {
      for (size_t m = 0; m < kMR; ++m) a[m] = load_pairs8(rows[m] + kk);
      madd_pairs(acc, a, w, 4);
    }
    if (tail_pairs != 0) {
      for (size_t m = 0; m < kMR; ++m) a[m] = load_pairs8(tails[m]);
      madd_pairs(acc, a, w, tail_pairs);
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    const __mmask16 store_mask = static_cast<__mmask16>((1u << channels) - 1u);
    for (size_t m = 0; m < mr; ++m) {
      avx512::requantize_store(acc[m], params, block, c + m * c_stride + block, store_mask);
    }
  }
}

}  // namespace lowbit
