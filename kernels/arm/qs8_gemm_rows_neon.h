// A GEMM tile's A rows as the aarch64 and armv7 NEON GEMM kernels read them,
// and the per-row offsets they add.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/qs8_gemm.h"

namespace lowbit {

// Row m's Qs8GemmParams::row_offsets entry in every lane, 0 without them:
// added once per channel block, after K (legacy uint8 row sums).
inline int32x4_t gemm_row_offset(const Qs8GemmParams& params, size_t m) {
  return vdupq_n_s32(params.row_offsets ? params.row_offsets[m] : 0);
}

// ROWS row pointers (rows past mr repeat row 0: computed, never stored) and
// each row's bytes past k_main, its last partial step of at most STEP bytes,
// as a zero-padded copy: a kernel reads whole steps and never reads a row
// past K.
template <size_t ROWS, size_t STEP>
struct Qs8GemmTileRows {
  const int8_t* rows[ROWS];
  alignas(STEP) int8_t tails[ROWS][STEP] = {};

  Qs8GemmTileRows(const int8_t* const* a_rows, size_t mr, size_t k, size_t k_main) {
    for (size_t m = 0; m < ROWS; ++m) {
      rows[m] = a_rows[m < mr ? m : 0];
      std::memcpy(tails[m], rows[m] + k_main, k - k_main);
    }
  }
};

}  // namespace lowbit
