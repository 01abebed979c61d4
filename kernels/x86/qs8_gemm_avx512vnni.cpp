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

// The K loop keeps its accumulators in named variables, in functions that are
// never inlined: with an array whose address is later taken, or inlined into
// one large function, GCC copies the accumulators through other registers
// and the stack on every iteration.
#define LOWBIT_VNNI_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

// Sums of the two packed blocks at w0 and w1 (bias, then the k-groups) for
// kRows of the 8 rows: a 7x7 layer's 49 rows would otherwise spend 8 rows of
// work on its last row.
struct TwoBlockSums {
  __m512i acc0[kMR], acc1[kMR];
};

template <size_t kRows>
__attribute__((noinline)) void accumulate_two_blocks(const Rows& rows, const uint8_t* w0,
                                                     const uint8_t* w1, TwoBlockSums* out) {
  const __m512i bias0 = _mm512_loadu_si512(w0), bias1 = _mm512_loadu_si512(w1);
#define LOWBIT_DECLARE(m) __m512i acc0_##m = bias0, acc1_##m = bias1;
  LOWBIT_VNNI_ROWS(LOWBIT_DECLARE)
#undef LOWBIT_DECLARE
  w0 += kNR * sizeof(int32_t);
  w1 += kNR * sizeof(int32_t);
  const int8_t *a0 = rows.ptr[0], *a1 = rows.ptr[1], *a2 = rows.ptr[2], *a3 = rows.ptr[3];
  const int8_t *a4 = rows.ptr[4], *a5 = rows.ptr[5], *a6 = rows.ptr[6], *a7 = rows.ptr[7];
  const size_t groups = (rows.k_main >> 2) + (rows.has_tail ? 1 : 0);
  const size_t main_groups = rows.k_main >> 2;
#define LOWBIT_STEP(m)                                 \
  if (m < kRows) {                                     \
    const __m512i a = broadcast_unsigned(a##m);        \
    acc0_##m = _mm512_dpbusd_epi32(acc0_##m, a, vw0);  \
    acc1_##m = _mm512_dpbusd_epi32(acc1_##m, a, vw1);  \
    a##m += 4;                                         \
  }
#define LOWBIT_TAIL(m) a##m = rows.tail[m];
  // One loop body for all groups (a second copy for the tail group made GCC
  // shuffle the accumulators between registers on every iteration).
  for (size_t g = 0; g < groups; ++g) {
    if (g == main_groups) {
      LOWBIT_VNNI_ROWS(LOWBIT_TAIL)
    }
    const __m512i vw0 = _mm512_loadu_si512(w0 + g * 64);
    const __m512i vw1 = _mm512_loadu_si512(w1 + g * 64);
    LOWBIT_VNNI_ROWS(LOWBIT_STEP)
  }
#undef LOWBIT_STEP
#define LOWBIT_STORE(m)    \
  out->acc0[m] = acc0_##m; \
  out->acc1[m] = acc1_##m;
  LOWBIT_VNNI_ROWS(LOWBIT_STORE)
#undef LOWBIT_STORE
}

// Channels [block, block + 32): two packed blocks at w0 and w0 + block_bytes.
template <size_t kRows, RequantProfile kProfile>
void two_blocks(const Rows& rows, const uint8_t* w0, size_t block_bytes, size_t block, size_t nc,
                int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  TwoBlockSums sums;
  accumulate_two_blocks<kRows>(rows, w0, w0 + block_bytes, &sums);
  store_block<kProfile>(sums.acc0, kRows, params, block, kNR, c, c_stride);
  const size_t rest = nc - block - kNR;
  store_block<kProfile>(sums.acc1, kRows, params, block + kNR, rest < kNR ? rest : kNR, c,
                        c_stride);
}

template <size_t kRows>
__attribute__((noinline)) void accumulate_one_block(const Rows& rows, const uint8_t* w,
                                                    __m512i* out) {
  const __m512i bias = _mm512_loadu_si512(w);
#define LOWBIT_DECLARE(m) __m512i acc_##m = bias;
  LOWBIT_VNNI_ROWS(LOWBIT_DECLARE)
#undef LOWBIT_DECLARE
  w += kNR * sizeof(int32_t);
  const int8_t *a0 = rows.ptr[0], *a1 = rows.ptr[1], *a2 = rows.ptr[2], *a3 = rows.ptr[3];
  const int8_t *a4 = rows.ptr[4], *a5 = rows.ptr[5], *a6 = rows.ptr[6], *a7 = rows.ptr[7];
  const size_t groups = (rows.k_main >> 2) + (rows.has_tail ? 1 : 0);
  const size_t main_groups = rows.k_main >> 2;
#define LOWBIT_STEP(m)                                                     \
  if (m < kRows) {                                                         \
    acc_##m = _mm512_dpbusd_epi32(acc_##m, broadcast_unsigned(a##m), vw);  \
    a##m += 4;                                                             \
  }
  for (size_t g = 0; g < groups; ++g) {
    if (g == main_groups) {
      LOWBIT_VNNI_ROWS(LOWBIT_TAIL)
    }
    const __m512i vw = _mm512_loadu_si512(w + g * 64);
    LOWBIT_VNNI_ROWS(LOWBIT_STEP)
  }
#undef LOWBIT_STEP
#define LOWBIT_STORE(m) out[m] = acc_##m;
  LOWBIT_VNNI_ROWS(LOWBIT_STORE)
#undef LOWBIT_STORE
}

// Channels [block, min(block + 16, nc)): one packed block at w.
template <size_t kRows, RequantProfile kProfile>
void one_block(const Rows& rows, const uint8_t* w, size_t block, size_t nc, int8_t* c,
               size_t c_stride, const Qs8GemmParams& params) {
  __m512i acc[kMR];
  accumulate_one_block<kRows>(rows, w, acc);
  const size_t rest = nc - block;
  store_block<kProfile>(acc, kRows, params, block, rest < kNR ? rest : kNR, c, c_stride);
}
#undef LOWBIT_TAIL
#undef LOWBIT_VNNI_ROWS

template <size_t kRows, RequantProfile kProfile>
void gemm_rows(const Rows& rows, size_t nc, size_t k, const void* packed_w, int8_t* c,
               size_t c_stride, const Qs8GemmParams& params) {
  const size_t block_bytes = kNR * sizeof(int32_t) + ((k + 3) & ~size_t{3}) * kNR;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  size_t block = 0;
  for (; block + kNR < nc; block += 2 * kNR, w += 2 * block_bytes) {
    two_blocks<kRows, kProfile>(rows, w, block_bytes, block, nc, c, c_stride, params);
  }
  if (block < nc) one_block<kRows, kProfile>(rows, w, block, nc, c, c_stride, params);
}

template <RequantProfile kProfile>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  Rows rows;
  rows.k_main = k & ~size_t{3};
  rows.has_tail = rows.k_main != k;
  for (size_t m = 0; m < kMR; ++m) {
    // Rows past mr repeat the last one (never computed, never stored).
    rows.ptr[m] = a_rows[m < mr ? m : mr - 1];
  }
  if (rows.has_tail) {
    for (size_t m = 0; m < kMR; ++m) {
      std::memset(rows.tail[m], 0, 4);
      for (size_t i = 0; i < k - rows.k_main; ++i) rows.tail[m][i] = rows.ptr[m][rows.k_main + i];
    }
  }
  switch (mr) {
    case 1: return gemm_rows<1, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    case 2: return gemm_rows<2, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    case 3: return gemm_rows<3, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    case 4: return gemm_rows<4, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    case 5: return gemm_rows<5, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    case 6: return gemm_rows<6, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    case 7: return gemm_rows<7, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
    default: return gemm_rows<8, kProfile>(rows, nc, k, packed_w, c, c_stride, params);
  }
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
