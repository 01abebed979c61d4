// Indirect int8 GEMM with VPDPBUSD: row m's K bytes are `taps` runs of
// tap_bytes (a multiple of 4) at indirection[m * taps + t], e.g. the input
// pixels under a K x K window, so convolutions need no per-tile copy of the
// receptive fields. Same packed weights and results as the direct kernel.
#include "kernels/x86/qs8_gemm_vnni_tile.h"

namespace lowbit {
namespace {

using vnni::kMR;
using vnni::kNR;
using vnni::TwoBlockSums;

// kOffset: the taps hold a ^ 0x80 (see the tile header). 3x3 layers (nine
// pixel taps, or three kernel rows of an RGB input) run loops with the tap
// count fixed: row m's pointer for tap t is
// then a load at a fixed displacement from t's; with a run-time count GCC
// kept the eight row bases in vector registers and moved each back (a
// port-0 VMOVQ) per row and tap, against 8 or 16 VPDPBUSD per tap and row.
template <bool kOffset>
struct Taps {
  const int8_t* const* indirection;  // [rows][taps]
  size_t taps;
  size_t tap_groups;  // tap_bytes / 4

  template <size_t kRows, bool kHalf>
  void accumulate_two(const uint8_t* w0, const uint8_t* w1, TwoBlockSums* out) const {
    if (taps == 9) return accumulate_two_taps<kRows, kHalf, 9>(w0, w1, out);
    if (taps == 3) return accumulate_two_taps<kRows, kHalf, 3>(w0, w1, out);
    accumulate_two_taps<kRows, kHalf, 0>(w0, w1, out);
  }

  template <size_t kRows, bool kHalf>
  void accumulate_one(const uint8_t* w, __m512i* out) const {
    if (taps == 9) return accumulate_one_taps<kRows, kHalf, 9>(w, out);
    if (taps == 3) return accumulate_one_taps<kRows, kHalf, 3>(w, out);
    accumulate_one_taps<kRows, kHalf, 0>(w, out);
  }

  // kTaps: the tap count, or 0 for taps.
  template <size_t kRows, bool kHalf, size_t kTaps>
  __attribute__((noinline)) void accumulate_two_taps(const uint8_t* w0, const uint8_t* w1,
                                                     TwoBlockSums* out) const {
    const size_t count = kTaps != 0 ? kTaps : taps;
    LOWBIT_VNNI_START_TWO()
#define LOWBIT_POINTER(m) const int8_t* a##m = indirection[(m < kRows ? m : 0) * count + t];
    for (size_t t = 0; t < count; ++t) {
      LOWBIT_VNNI_ROWS(LOWBIT_POINTER)
      for (size_t g = 0; g < tap_groups; ++g, w0 += 64, w1 += 64) {
        const __m512i vw0 = _mm512_loadu_si512(w0);
        const vnni::BlockAcc<kHalf> vw1 = vnni::load_block<kHalf>(w1);
        LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STEP_TWO)
      }
    }
    LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STORE_TWO)
  }

  template <size_t kRows, bool kHalf, size_t kTaps>
  __attribute__((noinline)) void accumulate_one_taps(const uint8_t* w, __m512i* out) const {
    const size_t count = kTaps != 0 ? kTaps : taps;
    LOWBIT_VNNI_START_ONE()
    for (size_t t = 0; t < count; ++t) {
      LOWBIT_VNNI_ROWS(LOWBIT_POINTER)
      for (size_t g = 0; g < tap_groups; ++g, w += 64) {
        const vnni::BlockAcc<kHalf> vw = vnni::load_block<kHalf>(w);
        LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STEP_ONE)
      }
    }
#undef LOWBIT_POINTER
    LOWBIT_VNNI_ROWS(LOWBIT_VNNI_STORE_ONE)
  }
};

}  // namespace

void qs8_igemm_8x16c4__avx512vnni(size_t mr, size_t nc, size_t taps, size_t tap_bytes,
                                  const int8_t* const* indirection, const void* packed_w,
                                  int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Taps<false> source{indirection, taps, tap_bytes / 4};
  const size_t block_bytes = kNR * sizeof(int32_t) + taps * tap_bytes * kNR;
  vnni::gemm_any_profile(mr, source, nc, block_bytes, packed_w, c, c_stride, params);
}

void qs8_igemm_8x16c4__avx512vnni_offset(size_t mr, size_t nc, size_t taps, size_t tap_bytes,
                                         const int8_t* const* indirection, const void* packed_w,
                                         int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Taps<true> source{indirection, taps, tap_bytes / 4};
  const size_t block_bytes = kNR * sizeof(int32_t) + taps * tap_bytes * kNR;
  vnni::gemm_any_profile(mr, source, nc, block_bytes, packed_w, c, c_stride, params);
}

}  // namespace lowbit
