// int8 GEMM for the Cortex-M4 (ARMv7E-M DSP extension, bare metal): 2 rows x
// 4 channels, K in groups of four bytes (one 32-bit word per row or
// channel). SXTB16 widens bytes 0 and 2 of a word into two halfwords, and
// bytes 1 and 3 with a rotation by 8; SMLAD multiplies both halfword pairs
// and adds the two products to an accumulator. So a group costs two SMLADs
// per (row, channel), each widened word serves two products, and the int32
// sums are the reference's exactly; requantization is the portable kernels'
// own (qs8_requantize_channel).
#include <arm_acle.h>

#include <cstring>

#include "kernels/qs8_gemm.h"

#if !defined(__ARM_FEATURE_DSP)
#error "qs8_gemm_cortexm4.cpp needs the DSP extension (-mcpu=cortex-m4)"
#endif

namespace lowbit {
namespace {

constexpr size_t kNR = 4;
constexpr size_t kKGroup = 4;

// Four bytes of a row or of the packed weights; rows need not be aligned
// (ARMv7-M loads unaligned words).
inline uint32_t load_word(const void* p) {
  uint32_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

struct Halves {
  int16x2_t even, odd;  // bytes 0 and 2, bytes 1 and 3, sign-extended
};

// SXTB16 with its own rotation: GCC 12 has no ACLE __sxtb16_ror and emits
// a separate ROR for __sxtb16 of a rotated word.
inline Halves widen(uint32_t word) {
  int16x2_t odd;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(word));
  return {__sxtb16(static_cast<int8x4_t>(word)), odd};
}

// Rows 0..MR-1 times channels j and j+1 of a block over all of K. Four
// accumulators, two widened rows and two widened channels at most are live:
// a 2 x 4 tile at once would spill (ARMv7-M has 13 general registers free).
template <size_t MR>
inline void dot_pair(const int8_t* const* a_rows, const int8_t* w, size_t full_groups, size_t tail,
                     int32_t (&acc)[MR][kNR], size_t j) {
  const int8_t* a0 = a_rows[0];
  const int8_t* a1 = a_rows[MR - 1];
  int32_t s00 = acc[0][j], s01 = acc[0][j + 1], s10 = acc[MR - 1][j], s11 = acc[MR - 1][j + 1];
  // Packed weights: per group, one word per channel of the block.
  constexpr size_t kGroupBytes = kNR * kKGroup;
  for (size_t g = 0; g < full_groups; ++g) {
    const Halves w0 = widen(load_word(w)), w1 = widen(load_word(w + kKGroup));
    const Halves x0 = widen(load_word(a0));
    s00 = __smlad(x0.even, w0.even, s00);
    s00 = __smlad(x0.odd, w0.odd, s00);
    s01 = __smlad(x0.even, w1.even, s01);
    s01 = __smlad(x0.odd, w1.odd, s01);
    if (MR > 1) {
      const Halves x1 = widen(load_word(a1));
      s10 = __smlad(x1.even, w0.even, s10);
      s10 = __smlad(x1.odd, w0.odd, s10);
      s11 = __smlad(x1.even, w1.even, s11);
      s11 = __smlad(x1.odd, w1.odd, s11);
    }
    a0 += kKGroup;
    a1 += kKGroup;
    w += kGroupBytes;
  }
  if (tail != 0) {
    // A row ends at K: its last bytes, zero-filled (the weights are zero there).
    uint32_t t0 = 0, t1 = 0;
    std::memcpy(&t0, a0, tail);
    std::memcpy(&t1, a1, tail);
    const Halves w0 = widen(load_word(w)), w1 = widen(load_word(w + kKGroup));
    const Halves x0 = widen(t0), x1 = widen(t1);
    s00 = __smlad(x0.odd, w0.odd, __smlad(x0.even, w0.even, s00));
    s01 = __smlad(x0.odd, w1.odd, __smlad(x0.even, w1.even, s01));
    s10 = __smlad(x1.odd, w0.odd, __smlad(x1.even, w0.even, s10));
    s11 = __smlad(x1.odd, w1.odd, __smlad(x1.even, w1.even, s11));
  }
  acc[0][j] = s00;
  acc[0][j + 1] = s01;
  if (MR > 1) {
    acc[MR - 1][j] = s10;
    acc[MR - 1][j + 1] = s11;
  }
}

template <size_t MR>
void gemm(size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w, int8_t* c,
          size_t c_stride, const Qs8GemmParams& params) {
  const size_t full_groups = k / kKGroup;
  const size_t tail = k % kKGroup;
  const size_t padded_k = (full_groups + (tail != 0)) * kKGroup;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    int32_t acc[MR][kNR];
    for (size_t m = 0; m < MR; ++m) {
      const int32_t row_offset = params.row_offsets ? params.row_offsets[m] : 0;
      for (size_t j = 0; j < kNR; ++j) {
        acc[m][j] = static_cast<int32_t>(load_word(w + j * sizeof(int32_t))) + row_offset;
      }
    }
    const auto* wk = reinterpret_cast<const int8_t*>(w + kNR * sizeof(int32_t));
    for (size_t j = 0; j < kNR; j += 2) {
      dot_pair<MR>(a_rows, wk + j * kKGroup, full_groups, tail, acc, j);
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < MR; ++m) {
      for (size_t j = 0; j < channels; ++j) {
        c[m * c_stride + block + j] = qs8_requantize_channel(acc[m][j], params, block + j);
      }
    }
    w += kNR * (sizeof(int32_t) + padded_k);
  }
}

}  // namespace

void qs8_gemm_2x4c4__cortexm4(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                              const void* packed_w, int8_t* c, size_t c_stride,
                              const Qs8GemmParams& params) {
  if (mr == 2) return gemm<2>(nc, k, a_rows, packed_w, c, c_stride, params);
  gemm<1>(nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
