// A GEMM tile's A rows as the aarch64 and armv7 NEON GEMM kernels read them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lowbit {

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
