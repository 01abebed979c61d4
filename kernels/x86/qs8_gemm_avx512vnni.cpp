// int8 GEMM, 8 rows x 16 channels per packed block, with VPDPBUSD; rows are K
// contiguous bytes (kernels/x86/qs8_gemm_vnni_tile.h has the shared frame).
#include "kernels/x86/qs8_gemm_vnni_tile.h"

namespace lowbit {
namespace {

using vnni::kMR;
using vnni::kNR;
using vnni::TwoBlockSums;

// Rows of K contiguous bytes. The last partial group of 4 is copied (zero
// padded) so no row is read past K; one loop body covers it too (a second
// copy of the body made GCC shuffle the accumulators on every iteration).
// Measured on MobileNetV2 / ResNet shapes (min of 3 alternating runs):
// inlining K loops of up to 48 groups is 10-25 % faster for K = 16..144
// and neutral above. kOffset: the rows hold a ^ 0x80 (see the tile header).
template <bool kOffset>
struct Rows {
  const int8_t* ptr[kMR];
  size_t main_groups;  // whole groups of 4
  size_t groups;       // plus one for a partial group
  alignas(4) int8_t tail[kMR][4];

  // Short K loops (at most kInlineGroups groups) run inlined into the block
  // loop: the call and the accumulator stores then cost more than GCC's
  // extra register moves in the inlined copy; long loops run as their own
  // function, where GCC keeps the accumulators in place. Without the XOR
  // (kOffset) the inlined copy's register moves cost more: measured on the
  // MobileNetV2 / ResNet 1x1 layers (min of 6 alternating runs), inlined is
  // 5 % faster for K = 16 and 24, the call 3 % for K = 32 and 10 % for 64.
  static constexpr size_t kInlineGroups = kOffset ? 6 : 48;

  template <size_t kRows, bool kHalf>
  void accumulate_two(const uint8_t* w0, const uint8_t* w1, TwoBlockSums* out) const {
    if (groups <= kInlineGroups) {
      accumulate_two_body<kRows, kHalf>(w0, w1, out);
    } else {
      accumulate_two_call<kRows, kHalf>(w0, w1, out);
    }
  }

  template <size_t kRows, bool kHalf>
  __attribute__((noinline)) void accumulate_two_call(const uint8_t* w0, const uint8_t* w1,
                                                     TwoBlockSums* out) const {
    accumulate_two_body<kRows, kHalf>(w0, w1, out);
  }

  template <size_t kRows, bool kHalf>
  __attribute__((always_inline)) inline void accumulate_two_body(const uint8_t* w0,
                                                                 const uint8_t* w1,
                                                                 TwoBlockSums* out) const {
    LOWBIT_VNNI_START_TWO()
    const int8_t *a0 = ptr[0], *a1 = ptr[1], *a2 = ptr[2], *a3 = ptr[3];
    const int8_t *a4 = ptr[4], *a5 = ptr[5], *a6 = ptr[6], *a7 = ptr[7];
#define LOWBIT_TAIL(m) a##m = tail[m];
    for (size_t g = 0; g < groups; ++g) {
      if (g == main_groups) {
        LOWBIT_VNNI_ROWS(LOWBIT_TAIL)
      }
      const __m512i vw0 = _mm512_loadu_si512(w0 + g * 64);
      const vnni::BlockAcc<kHalf> vw1 = vnni::load_block<kHalf>(w1 + g * 64);
      LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STEP_TWO)
    }
    LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STORE_TWO)
  }

  template <size_t kRows, bool kHalf>
  void accumulate_one(const uint8_t* w, __m512i* out) const {
    if (groups <= kInlineGroups) {
      accumulate_one_body<kRows, kHalf>(w, out);
    } else {
      accumulate_one_call<kRows, kHalf>(w, out);
    }
  }

  template <size_t kRows, bool kHalf>
  __attribute__((noinline)) void accumulate_one_call(const uint8_t* w, __m512i* out) const {
    accumulate_one_body<kRows, kHalf>(w, out);
  }

  template <size_t kRows, bool kHalf>
  __attribute__((always_inline)) inline void accumulate_one_body(const uint8_t* w,
                                                                 __m512i* out) const {
    LOWBIT_VNNI_START_ONE()
    const int8_t *a0 = ptr[0], *a1 = ptr[1], *a2 = ptr[2], *a3 = ptr[3];
    const int8_t *a4 = ptr[4], *a5 = ptr[5], *a6 = ptr[6], *a7 = ptr[7];
    for (size_t g = 0; g < groups; ++g) {
      if (g == main_groups) {
        LOWBIT_VNNI_ROWS(LOWBIT_TAIL)
      }
      const vnni::BlockAcc<kHalf> vw = vnni::load_block<kHalf>(w + g * 64);
      LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STEP_ONE)
    }
#undef LOWBIT_TAIL
    LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STORE_ONE)
  }
};

template <bool kOffset>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  Rows<kOffset> rows;
  const size_t k_main = k & ~size_t{3};
  rows.main_groups = k_main / 4;
  rows.groups = (k + 3) / 4;
  // Rows past mr repeat the last one (never computed, never stored).
  for (size_t m = 0; m < kMR; ++m) rows.ptr[m] = a_rows[m < mr ? m : mr - 1];
  if (k_main != k) {
    for (size_t m = 0; m < kMR; ++m) {
      std::memset(rows.tail[m], 0, 4);
      for (size_t i = 0; i < k - k_main; ++i) rows.tail[m][i] = rows.ptr[m][k_main + i];
    }
  }
  const size_t block_bytes = kNR * sizeof(int32_t) + rows.groups * 4 * kNR;
  vnni::gemm_any_profile(mr, rows, nc, block_bytes, packed_w, c, c_stride, params);
}

}  // namespace

void qs8_gemm_8x16c4__avx512vnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                 const void* packed_w, int8_t* c, size_t c_stride,
                                 const Qs8GemmParams& params) {
  gemm<false>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

void qs8_gemm_8x16c4__avx512vnni_offset(size_t mr, size_t nc, size_t k,
                                        const int8_t* const* a_rows, const void* packed_w,
                                        int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  gemm<true>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

bool qs8_gemm_requant_terms__avx512vnni(size_t channels, const Qs8GemmParams& params,
                                        uint32_t max_abs_accumulator, void* terms) {
  static_assert(avx512::kGemmTermsBlockBytes == kQs8GemmTermsBlockBytesAvx512vnni);
  return avx512::store_gemm_terms(channels, params, max_abs_accumulator, terms);
}

// 64 bytes per step, the last partial step masked.
void qs8_offset_activations__avx512vnni(const int8_t* input, int8_t* output, size_t n) {
  const __m512i sign_bits = _mm512_set1_epi8(static_cast<char>(0x80));
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    for (size_t j = 0; j < 256; j += 64) {
      _mm512_storeu_si512(output + i + j,
                          _mm512_xor_si512(_mm512_loadu_si512(input + i + j), sign_bits));
    }
  }
  for (; i + 64 <= n; i += 64) {
    _mm512_storeu_si512(output + i, _mm512_xor_si512(_mm512_loadu_si512(input + i), sign_bits));
  }
  if (i < n) {
    const __mmask64 mask = _cvtu64_mask64(~uint64_t{0} >> (64 - (n - i)));
    _mm512_mask_storeu_epi8(output + i, mask,
                            _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, input + i), sign_bits));
  }
}

}  // namespace lowbit
