// Shared frame of the AVX-512 VNNI GEMM and indirect GEMM (include only from
// files compiled with the avx512vnni flags): 8 rows x 16 channels per packed
// block, activations entering VPDPBUSD as a + 128 (the packed bias already
// subtracts 128 * sum(w)). A Source with kOffset = false adds the 128 with
// one XOR per broadcast; with kOffset = true its rows hold a ^ 0x80 already
// (the driver offsets a layer's input once), and the K loop is broadcasts and
// VPDPBUSD only: with the XOR, 512-bit ALU work (ports 0 and 5 on Intel) was
// a third XOR, capping the multiply-adds at 67 % of the ports.
//
// Two packed blocks (32 channels) are computed together where the layer has
// them, so each broadcast activation feeds two VPDPBUSD. Only the tile's rows
// are computed (kRows): a 7x7 layer's 49 rows would otherwise spend 8 rows of
// work on its last row. The requantization parameters of a block are loaded
// once for its rows, and the body is specialised per profile; fixed-point
// profiles read the layer's stored terms where the driver gives them
// (Qs8GemmParams::requant_terms, kernels/x86/qs8_gemm_terms_avx512.h).
//
// A Source supplies the K loop: accumulate_two<kRows, kHalf>(w0, w1,
// TwoBlockSums*) and accumulate_one<kRows, kHalf>(w, __m512i[8]) starting from
// the packed bias (kHalf: the second / only block has at most 8 channels).
// Those loops keep accumulators in named variables in never-inlined
// functions: with an array whose address is taken, or inlined into one large
// function, GCC copies them through other registers and the stack on every
// iteration.
#pragma once

#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_gemm_terms_avx512.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace vnni {

constexpr size_t kMR = 8, kNR = 16;

#define LOWBIT_VNNI_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

// Per-row pieces of a Source's K loops, for LOWBIT_VNNI_ROWS. They name the
// loop's locals: the tile's kRows and kHalf, the Source's kOffset, row m's
// activation pointer a<m>,
// and either two blocks' accumulators acc0_<m>, acc1_<m> (biases bias0, bias1;
// weights vw0, vw1; output TwoBlockSums* out) or one block's acc_<m> (bias,
// vw; output __m512i out[8]).
#define LOWBIT_VNNI_DECLARE_TWO(m) \
  __m512i acc0_##m = bias0;        \
  vnni::BlockAcc<kHalf> acc1_##m = bias1;
#define LOWBIT_VNNI_STEP_TWO(m)                         \
  if (m < kRows) {                                      \
    const __m512i a = vnni::broadcast_unsigned<kOffset>(a##m);   \
    acc0_##m = vnni::dot(acc0_##m, a, vw0);             \
    acc1_##m = vnni::dot(acc1_##m, a, vw1);             \
    a##m += 4;                                          \
  }
#define LOWBIT_VNNI_STORE_TWO(m) \
  out->acc0[m] = acc0_##m;       \
  out->acc1[m] = vnni::widen(acc1_##m);
#define LOWBIT_VNNI_DECLARE_ONE(m) vnni::BlockAcc<kHalf> acc_##m = bias;
#define LOWBIT_VNNI_STEP_ONE(m)                                       \
  if (m < kRows) {                                                    \
    acc_##m = vnni::dot(acc_##m, vnni::broadcast_unsigned<kOffset>(a##m), vw); \
    a##m += 4;                                                        \
  }
#define LOWBIT_VNNI_STORE_ONE(m) out[m] = vnni::widen(acc_##m);
// Every row's accumulators at the packed biases of blocks w0 and w1 (of
// block w), then the weight pointers past the biases.
#define LOWBIT_VNNI_START_TWO()                                      \
  const __m512i bias0 = _mm512_loadu_si512(w0);                      \
  const vnni::BlockAcc<kHalf> bias1 = vnni::load_block<kHalf>(w1);  \
  LOWBIT_VNNI_ROWS(LOWBIT_VNNI_DECLARE_TWO)                          \
  w0 += vnni::kNR * sizeof(int32_t);                                 \
  w1 += vnni::kNR * sizeof(int32_t);
#define LOWBIT_VNNI_START_ONE()                                     \
  const vnni::BlockAcc<kHalf> bias = vnni::load_block<kHalf>(w);    \
  LOWBIT_VNNI_ROWS(LOWBIT_VNNI_DECLARE_ONE)                         \
  w += vnni::kNR * sizeof(int32_t);

// Four activations as VPDPBUSD's unsigned operand in every lane (kOffset:
// they are offset already).
template <bool kOffset>
inline __m512i broadcast_unsigned(const int8_t* a) {
  int32_t a4;
  std::memcpy(&a4, a, 4);
  if constexpr (kOffset) {
    return _mm512_set1_epi32(a4);
  } else {
    return _mm512_xor_si512(_mm512_set1_epi32(a4),
                            _mm512_set1_epi32(static_cast<int32_t>(0x80808080u)));
  }
}

// A block of 16 channels in a zmm, or only its first 8 channels in a ymm
// (the packed layout is unchanged: channel j's k-group sits at byte 4j of a
// 64-byte group, so the first 32 bytes hold channels 0-7). Layers whose last
// block has at most 8 channels (8, 24, 40 outputs) use the narrow form and
// skip the multiply-adds of the empty half.
// (A traits struct, not std::conditional: vector types lose their alignment
// attributes as template arguments, -Wignored-attributes.)
template <bool kHalf>
struct BlockAccType {
  using type = __m512i;
};
template <>
struct BlockAccType<true> {
  using type = __m256i;
};
template <bool kHalf>
using BlockAcc = typename BlockAccType<kHalf>::type;

template <bool kHalf>
inline BlockAcc<kHalf> load_block(const uint8_t* p) {
  if constexpr (kHalf) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  } else {
    return _mm512_loadu_si512(p);
  }
}
inline __m512i dot(__m512i acc, __m512i a, __m512i w) { return _mm512_dpbusd_epi32(acc, a, w); }
inline __m256i dot(__m256i acc, __m512i a, __m256i w) {
  return _mm256_dpbusd_epi32(acc, _mm512_castsi512_si256(a), w);
}
inline __m512i widen(__m512i acc) { return acc; }
// Zero-extends (the same vmovdqa ymm as _mm512_zextsi256_si512, whose GCC 12
// inline _mm512_inserti64x4 reads an uninitialised _mm512_undefined_epi32).
inline __m512i widen(__m256i acc) {
  return _mm512_maskz_inserti64x4(0xFF, _mm512_setzero_si512(), acc, 0);
}

struct TwoBlockSums {
  __m512i acc0[kMR], acc1[kMR];
};

// The stores below are always inlined, like the requantizer
// (kernels/x86/qs8_requant_avx512.h): the row-offset instantiations would
// otherwise push them out of line.
//
// Two full blocks (32 channels) of kRows rows, two rows at a time: the
// requantized lanes of rows m and m + 1 narrowed by two VPACKSSDW, one
// VPACKSSWB (VPACKUSWB for uint8 outputs) and one VPERMD into both rows' 32
// bytes, instead of a VPMOVDB (two port-5 uops on Intel) per 16 outputs.
// The lanes are clamped already, to int8's range or (uint8 outputs,
// stores_low_byte) to [0, 255], so the saturating packs change no value.
template <size_t kRows, RequantProfile kProfile, bool kStored>
LOWBIT_AVX512_ALWAYS_INLINE void store_two_blocks(const TwoBlockSums& sums,
                                                  const Qs8GemmParams& params, size_t channel,
                                                  int8_t* c, size_t c_stride) {
  const avx512::GemmBlockRequant<kProfile, kStored> requant0(params, channel);
  const avx512::GemmBlockRequant<kProfile, kStored> requant1(params, channel + kNR);
  // After the packs, 128-bit lane l holds dwords (4 channels each): row m
  // channels 4l.. of block 0, of block 1, then row m + 1 the same; output
  // dword j is row j / 8, block (j / 4) % 2, lane j % 4.
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const bool uint8_outputs = params.output_max > 127;
  for (size_t m = 0; m < kRows; m += 2) {
    const size_t next = m + 1 < kRows ? m + 1 : m;
    const __m512i row0 = _mm512_packs_epi32(requant0(sums.acc0[m]), requant1(sums.acc1[m]));
    const __m512i row1 =
        _mm512_packs_epi32(requant0(sums.acc0[next]), requant1(sums.acc1[next]));
    const __m512i packed =
        uint8_outputs ? _mm512_packus_epi16(row0, row1) : _mm512_packs_epi16(row0, row1);
    const __m512i bytes = _mm512_permutexvar_epi32(order, requant0.clamp_bytes(packed));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + m * c_stride + channel),
                        _mm512_castsi512_si256(bytes));
    if (m + 1 < kRows) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + (m + 1) * c_stride + channel),
                          _mm512_extracti64x4_epi64(bytes, 1));
    }
  }
}

// Four rows' requantized accumulators of one block (`channels` <= 16)
// narrowed by two VPACKSSDW, one VPACKSSWB (VPACKUSWB for uint8 outputs) and
// one VPERMD into 16 bytes each; the first `rows` of them are stored at out,
// out + c_stride, ...
template <typename Requant>
LOWBIT_AVX512_ALWAYS_INLINE void store_four_rows(const Requant& requant, __m512i r0, __m512i r1,
                                                 __m512i r2, __m512i r3, bool uint8_outputs,
                                                 size_t rows, size_t channels, int8_t* out,
                                                 size_t c_stride) {
  // After the packs, 128-bit lane l holds the rows' channels 4l .. 4l + 3, a
  // dword each; output dword j is row j / 4, lane j % 4.
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const __m512i rows01 = _mm512_packs_epi32(r0, r1);
  const __m512i rows23 = _mm512_packs_epi32(r2, r3);
  const __m512i packed = uint8_outputs ? _mm512_packus_epi16(rows01, rows23)
                                       : _mm512_packs_epi16(rows01, rows23);
  const __m512i bytes = _mm512_permutexvar_epi32(order, requant.clamp_bytes(packed));
  const __m128i row[4] = {_mm512_castsi512_si128(bytes), _mm512_extracti32x4_epi32(bytes, 1),
                          _mm512_extracti32x4_epi32(bytes, 2),
                          _mm512_extracti32x4_epi32(bytes, 3)};
  const __mmask16 mask = static_cast<__mmask16>((1u << channels) - 1u);
  for (size_t i = 0; i < rows; ++i) {
    if (channels == kNR) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i * c_stride), row[i]);
    } else {
      _mm_mask_storeu_epi8(out + i * c_stride, mask, row[i]);
    }
  }
}

// One block (`channels` <= 16) of kRows rows, four rows at a time
// (store_four_rows, as store_two_blocks narrows two blocks).
template <size_t kRows, RequantProfile kProfile, bool kStored>
LOWBIT_AVX512_ALWAYS_INLINE void store_one_block(const __m512i* acc, const Qs8GemmParams& params,
                                                 size_t channel, size_t channels, int8_t* c,
                                                 size_t c_stride) {
  const avx512::GemmBlockRequant<kProfile, kStored> requant(params, channel);
  const bool uint8_outputs = params.output_max > 127;
  for (size_t m = 0; m < kRows; m += 4) {
    const size_t m1 = m + 1 < kRows ? m + 1 : m;
    const size_t m2 = m + 2 < kRows ? m + 2 : m;
    const size_t m3 = m + 3 < kRows ? m + 3 : m;
    store_four_rows(requant, requant(acc[m]), requant(acc[m1]), requant(acc[m2]),
                    requant(acc[m3]), uint8_outputs, kRows - m < 4 ? kRows - m : 4, channels,
                    c + m * c_stride + channel, c_stride);
  }
}

// Qs8GemmParams::row_offsets into a block's accumulators (kOffsets: the
// caller saw them given; a separate instantiation keeps the plain int8 path's
// code as it was).
template <size_t kRows, bool kOffsets>
inline void add_row_offsets(__m512i* acc, const Qs8GemmParams& params) {
  if (!kOffsets) return;
  for (size_t m = 0; m < kRows; ++m) {
    acc[m] = _mm512_add_epi32(acc[m], _mm512_set1_epi32(params.row_offsets[m]));
  }
}

// All channels for kRows rows; block_bytes = one packed block of nr channels.
// Stores keep the low byte of each clamped lane (stores_low_byte): packs
// with signed or, for uint8 clamps, unsigned saturation.
template <size_t kRows, RequantProfile kProfile, bool kOffsets, bool kStored, typename Source>
void gemm_rows(const Source& source, size_t nc, size_t block_bytes, const void* packed_w,
               int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const auto* w = static_cast<const uint8_t*>(packed_w);
  size_t block = 0;
  for (; block + kNR < nc; block += 2 * kNR, w += 2 * block_bytes) {
    TwoBlockSums sums;
    const size_t rest = nc - block - kNR;
    if (rest <= kNR / 2) {
      source.template accumulate_two<kRows, true>(w, w + block_bytes, &sums);
    } else {
      source.template accumulate_two<kRows, false>(w, w + block_bytes, &sums);
    }
    add_row_offsets<kRows, kOffsets>(sums.acc0, params);
    add_row_offsets<kRows, kOffsets>(sums.acc1, params);
    if (rest >= kNR) {
      store_two_blocks<kRows, kProfile, kStored>(sums, params, block, c, c_stride);
      continue;
    }
    store_one_block<kRows, kProfile, kStored>(sums.acc0, params, block, kNR, c, c_stride);
    store_one_block<kRows, kProfile, kStored>(sums.acc1, params, block + kNR, rest, c, c_stride);
  }
  if (block < nc) {
    __m512i acc[kMR];
    const size_t rest = nc - block;
    if (rest <= kNR / 2) {
      source.template accumulate_one<kRows, true>(w, acc);
    } else {
      source.template accumulate_one<kRows, false>(w, acc);
    }
    add_row_offsets<kRows, kOffsets>(acc, params);
    store_one_block<kRows, kProfile, kStored>(acc, params, block, rest < kNR ? rest : kNR, c, c_stride);
  }
}

template <RequantProfile kProfile, bool kOffsets, bool kStored, typename Source>
void gemm_any_rows(size_t mr, const Source& source, size_t nc, size_t block_bytes,
                   const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  switch (mr) {
    case 1: return gemm_rows<1, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    case 2: return gemm_rows<2, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    case 3: return gemm_rows<3, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    case 4: return gemm_rows<4, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    case 5: return gemm_rows<5, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    case 6: return gemm_rows<6, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    case 7: return gemm_rows<7, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
    default: return gemm_rows<8, kProfile, kOffsets, kStored>(source, nc, block_bytes, packed_w, c, c_stride, params);
  }
}

// A fixed-point profile's rows, with the layer's stored requantization
// terms where the driver gave them (Qs8GemmParams::requant_terms).
template <RequantProfile kProfile, bool kOffsets, typename Source>
void gemm_fixed_point(size_t mr, const Source& source, size_t nc, size_t block_bytes,
                      const void* packed_w, int8_t* c, size_t c_stride,
                      const Qs8GemmParams& params) {
  if (params.requant_terms != nullptr) {
    return gemm_any_rows<kProfile, kOffsets, true>(mr, source, nc, block_bytes, packed_w, c,
                                                   c_stride, params);
  }
  gemm_any_rows<kProfile, kOffsets, false>(mr, source, nc, block_bytes, packed_w, c, c_stride,
                                           params);
}

// Entry point body: picks the profile's specialisation, and whether row
// offsets are added.
template <bool kOffsets, typename Source>
void gemm_profile(size_t mr, const Source& source, size_t nc, size_t block_bytes,
                  const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  switch (qs8_kernel_profile(params)) {
    case RequantProfile::kXnnpackFp32:
      return gemm_any_rows<RequantProfile::kXnnpackFp32, kOffsets, false>(
          mr, source, nc, block_bytes, packed_w, c, c_stride, params);
    case RequantProfile::kSingleRounding:
      return gemm_fixed_point<RequantProfile::kSingleRounding, kOffsets>(
          mr, source, nc, block_bytes, packed_w, c, c_stride, params);
    case RequantProfile::kTfliteOptimized:
      return gemm_fixed_point<RequantProfile::kTfliteOptimized, kOffsets>(
          mr, source, nc, block_bytes, packed_w, c, c_stride, params);
    case RequantProfile::kTfliteReference:
    default:
      return gemm_fixed_point<RequantProfile::kTfliteReference, kOffsets>(
          mr, source, nc, block_bytes, packed_w, c, c_stride, params);
  }
}

template <typename Source>
void gemm_any_profile(size_t mr, const Source& source, size_t nc, size_t block_bytes,
                      const void* packed_w, int8_t* c, size_t c_stride,
                      const Qs8GemmParams& params) {
  if (params.row_offsets) {
    return gemm_profile<true>(mr, source, nc, block_bytes, packed_w, c, c_stride, params);
  }
  gemm_profile<false>(mr, source, nc, block_bytes, packed_w, c, c_stride, params);
}

}  // namespace vnni
}  // namespace lowbit
