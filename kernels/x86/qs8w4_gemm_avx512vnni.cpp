// W4A8 GEMM, 4 rows x 32 channels per packed block, with VPDPBUSD. A chunk of
// 128 bytes holds 32 channels x 8 k-values as nibbles w + 8: AND and a 16-bit
// shift split it into two k-groups of unsigned bytes, which VPDPBUSD takes as
// its unsigned operand against the broadcast signed activations (no sign
// flip of the activations, unlike the int8 VNNI kernel); the +8 is undone per
// row with -8 * sum(a). Each row keeps four accumulators (two 16-channel
// halves x the two nibble groups), so even a single row has four independent
// VPDPBUSD chains.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8w4_gemm.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kMR = 4, kNR = 32, kChunkK = 8, kChunkBytes = kNR * kChunkK / 2;
// Software prefetch this far ahead of the weights: measured on the Xeon of
// docs/benchmarks.md with weights streamed from DRAM, the hardware
// prefetcher alone left the M = 1 loop at ~9 GB/s; 1-4 KiB ahead give
// ~11-12 GB/s (2 KiB kept). Prefetches past the buffer's end never fault.
constexpr size_t kPrefetchBytes = 2048;

struct TileRows {
  const int8_t* rows[kMR];
  size_t main_chunks;  // chunks read straight from the rows
  size_t chunks;       // plus one from `tails` when K is not a multiple of 8
  alignas(8) int8_t tails[kMR][kChunkK];
};

// acc += VPDPBUSD(u, s) in place. Through the intrinsic GCC 12 gives each
// result a new register and copies it back every iteration (twenty moves per
// chunk in this loop); the tied asm operand keeps every accumulator in one
// register.
inline __attribute__((always_inline)) void dpbusd(__m512i& acc, __m512i u, __m512i s) {
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(s));
}

inline __m512i broadcast4(const int8_t* a) {
  int32_t bits;
  std::memcpy(&bits, a, 4);
  return _mm512_set1_epi32(bits);
}

// Sums over K of one block for kRows rows: sums[m][h] is channels 16h..16h+15.
// Out of line, its accumulators in named variables: with arrays GCC copies
// them through other registers and the stack on every iteration (as the int8
// VNNI kernel found, kernels/x86/qs8_gemm_vnni_tile.h).
#define LOWBIT_W4_ROWS(X) X(0) X(1) X(2) X(3)
#define LOWBIT_W4_DECLARE(m)                                                             \
  __m512i acc##m##_0 = zero, acc##m##_1 = zero, acc##m##_2 = zero, acc##m##_3 = zero; \
  const int8_t* a##m = t.rows[m];
#define LOWBIT_W4_TAIL(m) a##m = t.tails[m];
#define LOWBIT_W4_STEP(m)                                              \
  if constexpr (m < kRows) {                                           \
    const __m512i a_low = broadcast4(a##m);                            \
    const __m512i a_high = broadcast4(a##m + 4);                       \
    a##m += kChunkK;                                                   \
    dpbusd(acc##m##_0, low0, a_low);         \
    dpbusd(acc##m##_1, low1, a_low);         \
    dpbusd(acc##m##_2, high0, a_high);       \
    dpbusd(acc##m##_3, high1, a_high);       \
  }
#define LOWBIT_W4_STORE(m)                                   \
  if constexpr (m < kRows) {                                 \
    sums[m][0] = _mm512_add_epi32(acc##m##_0, acc##m##_2);   \
    sums[m][1] = _mm512_add_epi32(acc##m##_1, acc##m##_3);   \
  }
template <size_t kRows>
__attribute__((noinline)) void accumulate(const TileRows& t, const uint8_t* w,
                                          __m512i (&sums)[kRows][2]) {
  const __m512i low_nibbles = _mm512_set1_epi8(0x0F);
  const __m512i zero = _mm512_setzero_si512();
  LOWBIT_W4_ROWS(LOWBIT_W4_DECLARE)
  for (size_t chunk = 0; chunk < t.chunks; ++chunk) {
    if (chunk == t.main_chunks) {
      LOWBIT_W4_ROWS(LOWBIT_W4_TAIL)
    }
    const __m512i v0 = _mm512_loadu_si512(w);
    const __m512i v1 = _mm512_loadu_si512(w + 64);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetchBytes, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetchBytes + 64, _MM_HINT_T0);
    w += kChunkBytes;
    const __m512i low0 = _mm512_and_si512(v0, low_nibbles);
    const __m512i low1 = _mm512_and_si512(v1, low_nibbles);
    const __m512i high0 = _mm512_and_si512(_mm512_srli_epi16(v0, 4), low_nibbles);
    const __m512i high1 = _mm512_and_si512(_mm512_srli_epi16(v1, 4), low_nibbles);
    LOWBIT_W4_ROWS(LOWBIT_W4_STEP)
  }
  LOWBIT_W4_ROWS(LOWBIT_W4_STORE)
}
#undef LOWBIT_W4_ROWS
#undef LOWBIT_W4_DECLARE
#undef LOWBIT_W4_TAIL
#undef LOWBIT_W4_STEP
#undef LOWBIT_W4_STORE

template <size_t kRows>
void gemm_rows(size_t nc, const TileRows& t, const int32_t (&correction)[kMR],
               const uint8_t* w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const size_t block_bytes = kNR * sizeof(int32_t) + t.chunks * kChunkBytes;
  for (size_t block = 0; block < nc; block += kNR) {
    __m512i sums[kRows][2];
    accumulate<kRows>(t, w + kNR * sizeof(int32_t), sums);
    const __m512i bias0 = _mm512_loadu_si512(w);
    const __m512i bias1 = _mm512_loadu_si512(w + 64);
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    const __mmask16 mask0 = channels >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << channels) - 1);
    const __mmask16 mask1 =
        channels <= 16 ? 0 : static_cast<__mmask16>((1u << (channels - 16)) - 1);
    for (size_t m = 0; m < kRows; ++m) {
      const __m512i offset = _mm512_set1_epi32(correction[m]);
      int8_t* out = c + m * c_stride + block;
      avx512::requantize_store(_mm512_add_epi32(_mm512_add_epi32(bias0, offset), sums[m][0]),
                               params, block, out, mask0);
      if (mask1 != 0) {
        avx512::requantize_store(_mm512_add_epi32(_mm512_add_epi32(bias1, offset), sums[m][1]),
                                 params, block + 16, out + 16, mask1);
      }
    }
    w += block_bytes;
  }
}

}  // namespace

void qs8w4_gemm_4x32c4__avx512vnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                   const void* packed_w, int8_t* c, size_t c_stride,
                                   const Qs8GemmParams& params) {
  TileRows t;
  t.main_chunks = k / kChunkK;
  t.chunks = (k + kChunkK - 1) / kChunkK;
  const size_t k_main = t.main_chunks * kChunkK;
  int32_t correction[kMR] = {};
  for (size_t m = 0; m < kMR; ++m) {
    t.rows[m] = a_rows[m < mr ? m : 0];
    std::memset(t.tails[m], 0, kChunkK);
    std::memcpy(t.tails[m], t.rows[m] + k_main, k - k_main);
    if (m < mr) correction[m] = qs8w4_row_correction(t.rows[m], k);
  }
  const auto* w = static_cast<const uint8_t*>(packed_w);
  switch (mr) {
    case 1: return gemm_rows<1>(nc, t, correction, w, c, c_stride, params);
    case 2: return gemm_rows<2>(nc, t, correction, w, c, c_stride, params);
    case 3: return gemm_rows<3>(nc, t, correction, w, c, c_stride, params);
    default: return gemm_rows<4>(nc, t, correction, w, c, c_stride, params);
  }
}

}  // namespace lowbit
