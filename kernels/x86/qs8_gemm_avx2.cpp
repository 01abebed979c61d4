// int8 GEMM, 2 rows x 8 channels, AVX2 16-bit multiply-add path: bytes are
// sign-extended to int16 and VPMADDWD sums pairs into int32, so nothing
// saturates (unlike VPMADDUBSW). Weights are packed 8 k-values per channel
// ("c8"); each accumulator holds four partial sums of two channels, reduced
// with horizontal adds after the K loop. Two rows keep the eight
// accumulators and the operands within sixteen registers.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

// Eight int8 values of a row, as int16, repeated in both 128-bit lanes.
inline __m256i load_row8(const int8_t* p) {
  int64_t bits;
  std::memcpy(&bits, p, 8);
  return _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(_mm_cvtsi64_si128(bits)));
}

// acc[j] holds channels 2j (low lane) and 2j+1 (high lane), four partials each.
inline __m256i reduce_channels(const __m256i acc[4]) {
  const __m256i h01 = _mm256_hadd_epi32(acc[0], acc[1]);  // c0 c0 c2 c2 | c1 c1 c3 c3
  const __m256i h23 = _mm256_hadd_epi32(acc[2], acc[3]);  // c4 c4 c6 c6 | c5 c5 c7 c7
  const __m256i h = _mm256_hadd_epi32(h01, h23);          // c0 c2 c4 c6 | c1 c3 c5 c7
  return _mm256_permutevar8x32_epi32(h, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

}  // namespace

void qs8_gemm_2x8c8__avx2(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                          const void* packed_w, int8_t* c, size_t c_stride,
                          const Qs8GemmParams& params) {
  constexpr size_t kNR = 8;
  const int8_t* row0 = a_rows[0];
  const int8_t* row1 = a_rows[mr > 1 ? 1 : 0];
  const size_t k_main = k & ~size_t{7};
  const size_t padded_k = (k + 7) & ~size_t{7};
  alignas(8) int8_t tail0[8] = {}, tail1[8] = {};
  std::memcpy(tail0, row0 + k_main, k - k_main);
  std::memcpy(tail1, row1 + k_main, k - k_main);

  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    w += kNR * sizeof(int32_t);
    __m256i acc0[4], acc1[4];
    for (int j = 0; j < 4; ++j) acc0[j] = acc1[j] = _mm256_setzero_si256();
    for (size_t kk = 0; kk < padded_k; kk += 8) {
      const bool tail = kk == k_main;
      const __m256i a0 = load_row8(tail ? tail0 : row0 + kk);
      const __m256i a1 = load_row8(tail ? tail1 : row1 + kk);
      for (int j = 0; j < 4; ++j) {
        const __m256i vw = _mm256_cvtepi8_epi16(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 16 * j)));
        acc0[j] = _mm256_add_epi32(acc0[j], _mm256_madd_epi16(a0, vw));
        acc1[j] = _mm256_add_epi32(acc1[j], _mm256_madd_epi16(a1, vw));
      }
      w += 64;
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    const __m256i bias0 = params.row_offsets
                              ? _mm256_add_epi32(bias, _mm256_set1_epi32(params.row_offsets[0]))
                              : bias;
    avx2::requantize_store(_mm256_add_epi32(bias0, reduce_channels(acc0)), params, block,
                           c + block, channels);
    if (mr > 1) {
      const __m256i bias1 = params.row_offsets
                                ? _mm256_add_epi32(bias, _mm256_set1_epi32(params.row_offsets[1]))
                                : bias;
      avx2::requantize_store(_mm256_add_epi32(bias1, reduce_channels(acc1)), params, block,
                             c + c_stride + block, channels);
    }
  }
}

}  // namespace lowbit
