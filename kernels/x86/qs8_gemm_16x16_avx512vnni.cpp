// int8 GEMM and indirect GEMM with VPDPBUSD for layers of at most 16 output
// channels: 16 rows x 16 channels per tile, the same packed blocks as the
// 8x16 kernels (kernels/x86/qs8_gemm_vnni_tile.h). The 8-row tile gives
// such layers one packed block, so each broadcast activation feeds a single
// VPDPBUSD and eight accumulators cannot cover VPDPBUSD's latency at two per
// cycle; sixteen rows keep sixteen accumulators in flight.
//
// The K loop takes four k-groups (16 bytes of a row) at a time: four weight
// vectors stay in registers while each row's pointer is loaded once and
// feeds four broadcasts, so sixteen rows need no sixteen pointer registers.
#include "kernels/x86/qs8_gemm_vnni_tile.h"

namespace lowbit {
namespace {

constexpr size_t kRows16 = 16;

template <bool kHalf>
inline vnni::BlockAcc<kHalf> narrow_acc(__m512i v) {
  if constexpr (kHalf) {
    return _mm512_castsi512_si256(v);
  } else {
    return v;
  }
}

#define LOWBIT_ROWS16(X) \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

// Row m's four k-groups at a (a pointer loaded per row, so sixteen rows
// need no sixteen registers).
#define LOWBIT_QUAD(m)                                                             \
  if (m < kRows) {                                                                 \
    const int8_t* a = run[m * row_stride] + offset;                                \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a), vw0);      \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a + 4), vw1);  \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a + 8), vw2);  \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a + 12), vw3); \
  }
// The same for three k-groups (an RGB layer's 12-byte kernel rows).
#define LOWBIT_TRIPLE(m)                                                           \
  if (m < kRows) {                                                                 \
    const int8_t* a = run[m * row_stride] + offset;                                \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a), vw0);      \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a + 4), vw1);  \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a + 8), vw2);  \
  }
#define LOWBIT_ONE(m)                                                                       \
  if (m < kRows) {                                                                          \
    acc_##m =                                                                               \
        vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(run[m * row_stride] + offset), \
                  vw);                                                                      \
  }
#define LOWBIT_LOAD_WEIGHTS3()                            \
  const Acc vw0 = vnni::load_block<kHalf>(w);             \
  const Acc vw1 = vnni::load_block<kHalf>(w + 64);        \
  const Acc vw2 = vnni::load_block<kHalf>(w + 128);
#define LOWBIT_LOAD_WEIGHTS4() \
  LOWBIT_LOAD_WEIGHTS3()       \
  const Acc vw3 = vnni::load_block<kHalf>(w + 192);
// One step of kStep (4 or 3) k-groups for every row.
#define LOWBIT_STEP()                                       \
  if constexpr (kStep == 4) {                               \
    LOWBIT_LOAD_WEIGHTS4()                                  \
    LOWBIT_ROWS16(LOWBIT_QUAD)                              \
  } else {                                                  \
    static_assert(kStep == 3, "steps of 4 or 3 k-groups"); \
    LOWBIT_LOAD_WEIGHTS3()                                  \
    LOWBIT_ROWS16(LOWBIT_TRIPLE)                            \
  }
// The tile's rows in named accumulators (an array would live in memory):
// loaded from acc (the 256-bit half when kHalf), stored back widened.
#define LOWBIT_LOAD_ROW(m) \
  Acc acc_##m = m < kRows ? narrow_acc<kHalf>(acc[m < kRows ? m : 0]) : Acc{};
#define LOWBIT_STORE_ROW(m) \
  if (m < kRows) acc[m] = vnni::widen(acc_##m);

// Accumulates `taps` runs of `groups` k-groups per row: row m's run t starts
// at runs[m * row_stride + t], weights at w (64 bytes per group,
// consecutive); returns the weights past them. acc holds kRows accumulators
// in and out; kRows is a multiple of 4 (the caller repeats the tile's last
// row up to it). kStep 4 or 3: groups is a multiple of kStep, and one loop
// runs over every (tap, kStep groups) so the row pointers are loaded where
// they are used; nested loops had GCC hoist the sixteen pointers out of a
// one-trip inner loop and spill them through vector registers (ResNet-8's
// 32x32x16 -> 16 layer: 12.4 -> 11.2 us). kStep 0: any groups, nested.
template <size_t kRows, bool kHalf, bool kOffset, size_t kStep>
__attribute__((noinline)) const uint8_t* accumulate(const int8_t* const* runs, size_t row_stride,
                                                    size_t taps, size_t groups, const uint8_t* w,
                                                    __m512i* acc) {
  using Acc = vnni::BlockAcc<kHalf>;
  LOWBIT_ROWS16(LOWBIT_LOAD_ROW)
  const size_t quads = groups / 4;
  if constexpr (kStep != 0) {
    const size_t steps_per_run = groups / kStep;
    const int8_t* const* run = runs;
    size_t offset = 0, step_in_run = 0;
    for (size_t step = taps * steps_per_run; step > 0; --step, w += kStep * 64) {
      LOWBIT_STEP()
      offset += 4 * kStep;
      if (++step_in_run == steps_per_run) {
        step_in_run = 0;
        offset = 0;
        ++run;
      }
    }
  } else {
    for (size_t t = 0; t < taps; ++t) {
      const int8_t* const* run = runs + t;
      size_t offset = 0;
      for (size_t q = 0; q < quads; ++q, offset += 16, w += 4 * 64) {
        LOWBIT_LOAD_WEIGHTS4()
        LOWBIT_ROWS16(LOWBIT_QUAD)
      }
      for (size_t g = quads * 4; g < groups; ++g, offset += 4, w += 64) {
        const Acc vw = vnni::load_block<kHalf>(w);
        LOWBIT_ROWS16(LOWBIT_ONE)
      }
    }
  }
  LOWBIT_ROWS16(LOWBIT_STORE_ROW)
  return w;
}

// The same where each run is one step (groups == kStep: a 16-channel
// pixel, a 3-channel kernel row) and the runs of a row lie kTaps apart (a
// 3x3 layer's kept indirection): row m's pointer is then a load at a fixed
// displacement and is used as loaded. With a run-time stride and offset
// each row cost two scalar adds besides its load, 32 per 64 VPDPBUSD, and
// the scalar ALU ports include the two that run VPDPBUSD.
template <size_t kRows, bool kHalf, bool kOffset, size_t kStep, size_t kTaps>
__attribute__((noinline)) const uint8_t* accumulate_fixed(const int8_t* const* run,
                                                          const uint8_t* w, __m512i* acc) {
  using Acc = vnni::BlockAcc<kHalf>;
  constexpr size_t row_stride = kTaps, offset = 0;
  LOWBIT_ROWS16(LOWBIT_LOAD_ROW)
  for (size_t t = 0; t < kTaps; ++t, ++run, w += kStep * 64) {
    LOWBIT_STEP()
  }
  LOWBIT_ROWS16(LOWBIT_STORE_ROW)
  return w;
}
#undef LOWBIT_QUAD
#undef LOWBIT_STEP
#undef LOWBIT_LOAD_ROW
#undef LOWBIT_STORE_ROW
#undef LOWBIT_TRIPLE
#undef LOWBIT_ONE
#undef LOWBIT_LOAD_WEIGHTS3
#undef LOWBIT_LOAD_WEIGHTS4

// The K loop for `groups` per run.
template <size_t kRows, bool kHalf, bool kOffset>
const uint8_t* accumulate_runs(const int8_t* const* runs, size_t row_stride, size_t taps,
                               size_t groups, const uint8_t* w, __m512i* acc) {
  // 3x3 pixel taps of 16 channels, 3x3 RGB kernel rows.
  if (groups == 4 && taps == 9 && row_stride == 9) {
    return accumulate_fixed<kRows, kHalf, kOffset, 4, 9>(runs, w, acc);
  }
  if (groups == 3 && taps == 3 && row_stride == 3) {
    return accumulate_fixed<kRows, kHalf, kOffset, 3, 3>(runs, w, acc);
  }
  if (groups % 4 == 0) {
    return accumulate<kRows, kHalf, kOffset, 4>(runs, row_stride, taps, groups, w, acc);
  }
  if (groups % 3 == 0) {
    return accumulate<kRows, kHalf, kOffset, 3>(runs, row_stride, taps, groups, w, acc);
  }
  return accumulate<kRows, kHalf, kOffset, 0>(runs, row_stride, taps, groups, w, acc);
}

// Taps per pass when the tile's last row is repeated into a copy of the
// indirection (mr not a multiple of 4): bounds the copy on the stack.
constexpr size_t kTapChunk = 16;

// One K pass for a tile of mr rows: `taps` runs of `groups` k-groups per
// row from runs[m * taps + t], then (direct GEMM with K % 4 != 0) one group
// per row from `tail_rows`, which has 16 rows.
struct Pass {
  size_t mr;
  const int8_t* const* runs;
  size_t taps;
  size_t groups;
  const int8_t* const* tail_rows;

  template <size_t kRows, bool kHalf, bool kOffset>
  void run(const uint8_t* w, __m512i* acc) const {
    if (mr == kRows) {
      w = accumulate_runs<kRows, kHalf, kOffset>(runs, taps, taps, groups, w, acc);
    } else {
      const int8_t* padded[kRows16 * kTapChunk];
      for (size_t t0 = 0; t0 < taps; t0 += kTapChunk) {
        const size_t chunk = taps - t0 < kTapChunk ? taps - t0 : kTapChunk;
        for (size_t m = 0; m < kRows; ++m) {
          const int8_t* const* row = runs + (m < mr ? m : mr - 1) * taps + t0;
          for (size_t t = 0; t < chunk; ++t) padded[m * chunk + t] = row[t];
        }
        w = accumulate_runs<kRows, kHalf, kOffset>(padded, chunk, chunk, groups, w, acc);
      }
    }
    if (tail_rows) accumulate<kRows, kHalf, kOffset, 0>(tail_rows, 1, 1, 1, w, acc);
  }
};

template <size_t kRows, bool kOffset>
void accumulate_block(const Pass& pass, bool half, const uint8_t* w, __m512i* acc) {
  if (half) {
    pass.run<kRows, true, kOffset>(w, acc);
  } else {
    pass.run<kRows, false, kOffset>(w, acc);
  }
}

template <bool kOffset>
void accumulate_rows(const Pass& pass, bool half, const uint8_t* w, __m512i* acc) {
  const size_t mr = pass.mr;
  if (mr <= 4) return accumulate_block<4, kOffset>(pass, half, w, acc);
  if (mr <= 8) return accumulate_block<8, kOffset>(pass, half, w, acc);
  if (mr <= 12) return accumulate_block<12, kOffset>(pass, half, w, acc);
  accumulate_block<16, kOffset>(pass, half, w, acc);
}

// Rows m < mr of one block (`channels` <= 16) requantized and stored, four
// rows at a time as store_one_block does.
template <RequantProfile kProfile, bool kStored>
void store_block(size_t mr, const __m512i* acc, const Qs8GemmParams& params, size_t channel,
                 size_t channels, int8_t* c, size_t c_stride) {
  const avx512::GemmBlockRequant<kProfile, kStored> requant(params, channel);
  const bool uint8_outputs = params.output_max > 127;
  for (size_t m = 0; m < mr; m += 4) {
    vnni::store_four_rows(requant, requant(acc[m]), requant(acc[m + 1]), requant(acc[m + 2]),
                          requant(acc[m + 3]), uint8_outputs, mr - m < 4 ? mr - m : 4, channels,
                          c + m * c_stride + channel, c_stride);
  }
}

template <RequantProfile kProfile, bool kOffset>
void tile(size_t mr, size_t nc, const Pass& pass, size_t block_bytes, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += vnni::kNR, w += block_bytes) {
    const size_t channels = nc - block < vnni::kNR ? nc - block : vnni::kNR;
    // Rows past mr start from the bias too (computed, never stored).
    __m512i acc[kRows16];
    const __m512i bias = _mm512_loadu_si512(w);
    for (size_t m = 0; m < kRows16; ++m) acc[m] = bias;
    accumulate_rows<kOffset>(pass, channels <= vnni::kNR / 2, w + vnni::kNR * sizeof(int32_t),
                             acc);
    if (params.row_offsets) {
      for (size_t m = 0; m < mr; ++m) {
        acc[m] = _mm512_add_epi32(acc[m], _mm512_set1_epi32(params.row_offsets[m]));
      }
    }
    if constexpr (kProfile != RequantProfile::kXnnpackFp32) {
      if (params.requant_terms != nullptr) {
        store_block<kProfile, true>(mr, acc, params, block, channels, c, c_stride);
        continue;
      }
    }
    store_block<kProfile, false>(mr, acc, params, block, channels, c, c_stride);
  }
}

template <bool kOffset>
void tile_any_profile(size_t mr, size_t nc, const Pass& pass, size_t block_bytes,
                      const void* packed_w, int8_t* c, size_t c_stride,
                      const Qs8GemmParams& params) {
  switch (qs8_kernel_profile(params)) {
    case RequantProfile::kXnnpackFp32:
      return tile<RequantProfile::kXnnpackFp32, kOffset>(mr, nc, pass, block_bytes, packed_w, c,
                                                         c_stride, params);
    case RequantProfile::kSingleRounding:
      return tile<RequantProfile::kSingleRounding, kOffset>(mr, nc, pass, block_bytes, packed_w,
                                                            c, c_stride, params);
    case RequantProfile::kTfliteOptimized:
      return tile<RequantProfile::kTfliteOptimized, kOffset>(mr, nc, pass, block_bytes, packed_w,
                                                             c, c_stride, params);
    case RequantProfile::kTfliteReference:
    default:
      return tile<RequantProfile::kTfliteReference, kOffset>(mr, nc, pass, block_bytes, packed_w,
                                                             c, c_stride, params);
  }
}

template <bool kOffset>
void igemm(size_t mr, size_t nc, size_t taps, size_t tap_bytes, const int8_t* const* indirection,
           const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const Pass pass{mr, indirection, taps, tap_bytes / 4, nullptr};
  const size_t block_bytes = vnni::kNR * sizeof(int32_t) + taps * tap_bytes * vnni::kNR;
  tile_any_profile<kOffset>(mr, nc, pass, block_bytes, packed_w, c, c_stride, params);
}

template <bool kOffset>
void gemm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
          int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const int8_t* rows[kRows16];
  for (size_t m = 0; m < kRows16; ++m) rows[m] = a_rows[m < mr ? m : mr - 1];
  const size_t k_main = k & ~size_t{3};
  // The last partial group, zero padded, so no row is read past K.
  alignas(4) int8_t tail[kRows16][4] = {};
  const int8_t* tail_rows[kRows16];
  if (k_main != k) {
    for (size_t m = 0; m < kRows16; ++m) {
      for (size_t i = 0; i < k - k_main; ++i) tail[m][i] = rows[m][k_main + i];
      tail_rows[m] = tail[m];
    }
  }
  const Pass pass{(mr + 3) / 4 * 4, rows, 1, k_main / 4, k_main != k ? tail_rows : nullptr};
  const size_t block_bytes = vnni::kNR * sizeof(int32_t) + (k + 3) / 4 * 4 * vnni::kNR;
  tile_any_profile<kOffset>(mr, nc, pass, block_bytes, packed_w, c, c_stride, params);
}

}  // namespace

void qs8_gemm_16x16c4__avx512vnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                  const void* packed_w, int8_t* c, size_t c_stride,
                                  const Qs8GemmParams& params) {
  gemm<false>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

void qs8_gemm_16x16c4__avx512vnni_offset(size_t mr, size_t nc, size_t k,
                                         const int8_t* const* a_rows, const void* packed_w,
                                         int8_t* c, size_t c_stride,
                                         const Qs8GemmParams& params) {
  gemm<true>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

void qs8_igemm_16x16c4__avx512vnni(size_t mr, size_t nc, size_t taps, size_t tap_bytes,
                                   const int8_t* const* indirection, const void* packed_w,
                                   int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  igemm<false>(mr, nc, taps, tap_bytes, indirection, packed_w, c, c_stride, params);
}

void qs8_igemm_16x16c4__avx512vnni_offset(size_t mr, size_t nc, size_t taps, size_t tap_bytes,
                                          const int8_t* const* indirection,
                                          const void* packed_w, int8_t* c, size_t c_stride,
                                          const Qs8GemmParams& params) {
  igemm<true>(mr, nc, taps, tap_bytes, indirection, packed_w, c, c_stride, params);
}

}  // namespace lowbit
