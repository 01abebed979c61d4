// int8 GEMM, 8 rows x 16 channels per packed block, with VPDPBUSD. VPDPBUSD
// multiplies unsigned by signed bytes, so activations enter as a + 128 (one
// XOR per broadcast); the packed bias already subtracts 128 * sum(w).
//
// Two packed blocks (32 channels) are computed together where the layer has
// them: each broadcast activation then feeds two VPDPBUSD, which halves the
// broadcast and XOR work per multiply-add (16 accumulators, 19 registers).
// The requantization parameters of a block are loaded once for its 8 rows,
// and the kernel body is specialised per profile so the epilogue has no
// branch.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kMR = 8, kNR = 16;

struct Rows {
  const int8_t* ptr[kMR];
  size_t k_main;  // K rounded down to a multiple of 4
  bool has_tail;
  // The last partial group of each row, copied so no row is read past K.
  alignas(4) int8_t tail[kMR][4];
};

inline __m512i broadcast_unsigned(const int8_t* a) {
  int32_t a4;
  std::memcpy(&a4, a, 4);
  return _mm512_xor_si512(_mm512_set1_epi32(a4), _mm512_set1_epi32(static_cast<int32_t>(0x80808080u)));
}

template <RequantProfile kProfile>
inline void store_block(const __m512i* acc, size_t mr, const Qs8GemmParams& params, size_t channel,
                        size_t channels, int8_t* c, size_t c_stride) {
  const avx512::BlockRequantizer<kProfile> requant(params, channel);
  if (channels == kNR) {
    for (size_t m = 0; m < mr; ++m) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(c + m * c_stride + channel),
                       _mm512_cvtepi32_epi8(requant(acc[m])));
    }
  } else {
    const __mmask16 mask = static_cast<__mmask16>((1u << channels) - 1u);
    for (size_t m = 0; m < mr; ++m) {
      _mm_mask_storeu_epi8(c + m * c_stride + channel, mask, _mm512_cvtepi32_epi8(requant(acc[m])));
    }
  }
}

// The K loop keeps its accumulators in named variables: with an array whose
// address is later taken, GCC copies all of them through extra registers and
// the stack on every iteration.
#define LOWBIT_VNNI_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

// Channels [block, block + 32): two packed blocks at w0 and w0 + block_bytes.
template <RequantProfile kProfile>
void two_blocks(const Rows& rows, size_t mr, const uint8_t* w0, size_t block_bytes, size_t block,
                size_t nc, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const uint8_t* w1 = w0 + block_bytes;
  const __m512i bias0 = _mm512_loadu_si512(w0), bias1 = _mm512_loadu_si512(w1);
#define LOWBIT_DECLARE(m) __m512i acc0_##m = bias0, acc1_##m = bias1;
  LOWBIT_VNNI_ROWS(LOWBIT_DECLARE)
#undef LOWBIT_DECLARE
  w0 += kNR * sizeof(int32_t);
  w1 += kNR * sizeof(int32_t);
  const int8_t* const r[kMR] = {rows.ptr[0], rows.ptr[1], rows.ptr[2], rows.ptr[3],
                                rows.ptr[4], rows.ptr[5], rows.ptr[6], rows.ptr[7]};
#define LOWBIT_STEP(m)                                 \
  {                                                    \
    const __m512i a = broadcast_unsigned(a##m);        \
    acc0_##m = _mm512_dpbusd_epi32(acc0_##m, a, vw0);  \
    acc1_##m = _mm512_dpbusd_epi32(acc1_##m, a, vw1);  \
  }
  for (size_t kk = 0; kk < rows.k_main; kk += 4) {
    const __m512i vw0 = _mm512_loadu_si512(w0 + kk * kNR);
    const __m512i vw1 = _mm512_loadu_si512(w1 + kk * kNR);
    const int8_t *a0 = r[0] + kk, *a1 = r[1] + kk, *a2 = r[2] + kk, *a3 = r[3] + kk;
    const int8_t *a4 = r[4] + kk, *a5 = r[5] + kk, *a6 = r[6] + kk, *a7 = r[7] + kk;
    LOWBIT_VNNI_ROWS(LOWBIT_STEP)
  }
  if (rows.has_tail) {
    const __m512i vw0 = _mm512_loadu_si512(w0 + rows.k_main * kNR);
    const __m512i vw1 = _mm512_loadu_si512(w1 + rows.k_main * kNR);
    const int8_t *a0 = rows.tail[0], *a1 = rows.tail[1], *a2 = rows.tail[2], *a3 = rows.tail[3];
    const int8_t *a4 = rows.tail[4], *a5 = rows.tail[5], *a6 = rows.tail[6], *a7 = rows.tail[7];
    LOWBIT_VNNI_ROWS(LOWBIT_STEP)
  }
#undef LOWBIT_STEP
  const __m512i acc0[kMR] = {acc0_0, acc0_1, acc0_2, acc0_3, acc0_4, acc0_5, acc0_6, acc0_7};
  const __m512i acc1[kMR] = {acc1_0, acc1_1, acc1_2, acc1_3, acc1_4, acc1_5, acc1_6, acc1_7};
  store_block<kProfile>(acc0, mr, params, block, kNR, c, c_stride);
  const size_t rest = nc - block - kNR;
  store_block<kProfile>(acc1, mr, params, block + kNR, rest < kNR ? rest : kNR, c, c_stride);
}

// Channels [block, min(block + 16, nc)): one packed block at w.
template <RequantProfile kProfile>
void one_block(const Rows& rows, size_t mr, const uint8_t* w, size_t block, size_t nc, int8_t* c,
               size_t c_stride, const Qs8GemmParams& params) {
  const __m512i bias = _mm512_loadu_si512(w);
#define LOWBIT_DECLARE(m) __m512i acc_##m = bias;
  LOWBIT_VNNI_ROWS(LOWBIT_DECLARE)
#undef LOWBIT_DECLARE
  w += kNR * sizeof(int32_t);
  const int8_t* const r[kMR] = {rows.ptr[0], rows.ptr[1], rows.ptr[2], rows.ptr[3],
                                rows.ptr[4], rows.ptr[5], rows.ptr[6], rows.ptr[7]};
#define LOWBIT_STEP(m) acc_##m = _mm512_dpbusd_epi32(acc_##m, broadcast_unsigned(a##m), vw);
  for (size_t kk = 0; kk < rows.k_main; kk += 4) {
    const __m512i vw = _mm512_loadu_si512(w + kk * kNR);
    const int8_t *a0 = r[0] + kk, *a1 = r[1] + kk, *a2 = r[2] + kk, *a3 = r[3] + kk;
    const int8_t *a4 = r[4] + kk, *a5 = r[5] + kk, *a6 = r[6] + kk, *a7 = r[7] + kk;
    LOWBIT_VNNI_ROWS(LOWBIT_STEP)
  }
  if (rows.has_tail) {
    const __m512i vw = _mm512_loadu_si512(w + rows.k_main * kNR);
    const int8_t *a0 = rows.tail[0], *a1 = rows.tail[1], *a2 = rows.tail[2], *a3 = rows.tail[3];
    const int8_t *a4 = rows.tail[4], *a5 = rows.tail[5], *a6 = rows.tail[6], *a7 = rows.tail[7];
    LOWBIT_VNNI_ROWS(LOWBIT_STEP)
  }
#undef LOWBIT_STEP
  const __m512i acc[kMR] = {acc_0, acc_1, acc_2, acc_3, acc_4, acc_5, acc_6, acc_7};
  const size_t rest = nc - block;
  store_block<kProfile>(acc, mr, params, block, rest < kNR ? rest : kNR, c, c_stride);
}
#undef LOWBIT_VNNI_ROWS

template <RequantProfile kProfile>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  Rows rows;
  rows.k_main = k & ~size_t{3};
  rows.has_tail = rows.k_main != k;
  for (size_t m = 0; m < kMR; ++m) {
    // Missing rows repeat the last one; their results are not stored.
    rows.ptr[m] = a_rows[m < mr ? m : mr - 1];
    std::memset(rows.tail[m], 0, 4);
    std::memcpy(rows.tail[m], rows.ptr[m] + rows.k_main, k - rows.k_main);
  }
  const size_t block_bytes = kNR * sizeof(int32_t) + ((k + 3) & ~size_t{3}) * kNR;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  size_t block = 0;
  for (; block + kNR < nc; block += 2 * kNR, w += 2 * block_bytes) {
    two_blocks<kProfile>(rows, mr, w, block_bytes, block, nc, c, c_stride, params);
  }
  if (block < nc) one_block<kProfile>(rows, mr, w, block, nc, c, c_stride, params);
}

}  // namespace

void qs8_gemm_8x16c4__avx512vnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                 const void* packed_w, int8_t* c, size_t c_stride,
                                 const Qs8GemmParams& params) {
  switch (params.profile) {
    case RequantProfile::kXnnpackFp32:
      return gemm<RequantProfile::kXnnpackFp32>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
    case RequantProfile::kSingleRounding:
      return gemm<RequantProfile::kSingleRounding>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
    case RequantProfile::kTfliteReference:
    default:
      return gemm<RequantProfile::kTfliteReference>(mr, nc, k, a_rows, packed_w, c, c_stride,
                                                    params);
  }
}

}  // namespace lowbit
