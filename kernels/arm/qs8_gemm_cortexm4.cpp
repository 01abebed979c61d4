// int8 GEMM for the Cortex-M4 (ARMv7E-M DSP extension, bare metal): 2 rows x
// 4 channels, K in groups of four bytes (one 32-bit word per row or
// channel). SXTB16 widens bytes 0 and 2 of a word into two halfwords, and
// bytes 1 and 3 after a rotation by 8; SMLAD multiplies both halfword pairs
// and adds the two products to an accumulator. So a group costs two SMLADs
// per (row, channel), the channel's weights are widened once for both rows,
// and the int32 sums are the reference's exactly; requantization is the
// portable kernels' own (qs8_requantize_channel).
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

inline Halves widen(uint32_t word) {
  return {__sxtb16(static_cast<int8x4_t>(word)), __sxtb16(static_cast<int8x4_t>(__ror(word, 8)))};
}

// One group of four K values: the rows' words `a`, the block's weights `wk`.
template <size_t MR>
inline void accumulate_group(const uint32_t (&a)[MR], const int8_t* wk, int32_t (&acc)[MR][kNR]) {
  Halves rows[MR];
  for (size_t m = 0; m < MR; ++m) rows[m] = widen(a[m]);
  for (size_t j = 0; j < kNR; ++j) {
    const Halves w = widen(load_word(wk + j * kKGroup));
    for (size_t m = 0; m < MR; ++m) {
      acc[m][j] = __smlad(rows[m].even, w.even, acc[m][j]);
      acc[m][j] = __smlad(rows[m].odd, w.odd, acc[m][j]);
    }
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
    for (size_t g = 0; g < full_groups; ++g) {
      uint32_t a[MR];
      for (size_t m = 0; m < MR; ++m) a[m] = load_word(a_rows[m] + g * kKGroup);
      accumulate_group<MR>(a, wk + g * kNR * kKGroup, acc);
    }
    if (tail != 0) {
      // A row ends at K: its last bytes, zero-filled (the weights are zero there).
      uint32_t a[MR];
      for (size_t m = 0; m < MR; ++m) {
        a[m] = 0;
        std::memcpy(&a[m], a_rows[m] + full_groups * kKGroup, tail);
      }
      accumulate_group<MR>(a, wk + full_groups * kNR * kKGroup, acc);
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
