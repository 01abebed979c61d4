// W4A8 GEMM microkernels: int8 activations times int4 weights (DType::kInt4:
// two signed 4-bit values per byte, element 2i in the low nibble of byte i,
// values in [-8, 7]), with the int8 family's fused requantization
// (kernels/qs8_gemm.h: same Qs8GemmParams, same results).
//
//   acc[m][n] = packed_bias[n] + sum over k < K of a[m][k] * w[n][k]
//   c[m][n]   = clamp(requantize(acc[m][n], channel n, profile) + output_zero_point)
//
// Results are byte-identical to the qs8 GEMM given the sign-extended weights.
// The weights stay 4 bits in memory (a fully connected layer at batch 1 is
// bound by the bytes of weights it streams) and are unpacked in registers.
//
// Packed layout: K is padded to a multiple of 2 * k_group, channels to a
// multiple of nr; each block of nr channels stores nr int32 biases (bias -
// input_zero_point * sum(w), as the int8 family folds it), then one "chunk"
// of nr * k_group bytes per 2 * k_group values of K. Byte j * k_group + i of
// chunk t holds channel j's k-value t * 2 * k_group + i in its low nibble and
// k-value t * 2 * k_group + k_group + i in its high nibble, so one AND and
// one shift give two whole k-groups in the int8 family's order. Nibbles are
// stored as w + 8 (0..15, padding 8): unsigned, they enter x86's u8 x s8
// instructions (VPMADDUBSW, VPDPBUSD) as the unsigned operand with no sign
// extension, and ARM's signed ones as small positive bytes. The kernels
// subtract 8 * sum(a) per row once per call to undo the offset.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/int4.h"
#include "kernels/isa.h"
#include "kernels/qs8_gemm.h"

namespace lowbit {

struct Qs8w4GemmLayout {
  uint32_t nr;       // channels per packed block
  uint32_t k_group;  // k-values per channel per nibble half of a chunk
};

// The Qs8GemmSignature: mr <= MR rows of K int8 activations (a_rows[m], never
// read past K), nc channels, c[m * c_stride + n]. Qs8GemmParams::row_offsets
// is not read (legacy uint8 layers have no int4 weights); the per-channel
// arrays are padded with zeros to a multiple of the variant's nr.
using Qs8w4GemmFn = Qs8GemmSignature*;

struct Qs8w4GemmKernel {
  Qs8w4GemmFn fn;
  uint32_t mr;
  Qs8w4GemmLayout layout;
  bool portable = false;  // the definition, for the kernel tests
};

// K rounded up to whole chunks (the packed weights are zero there).
inline size_t qs8w4_gemm_padded_k(const Qs8w4GemmLayout& layout, size_t k) {
  const size_t chunk_k = 2 * size_t{layout.k_group};
  return (k + chunk_k - 1) / chunk_k * chunk_k;
}

size_t qs8w4_gemm_packed_bytes(const Qs8w4GemmLayout& layout, size_t n, size_t k);
// int4_weights: [n][k] int4 elements flattened (element ch * k + i; a row
// starts mid-byte when k is odd); bias: int32[n] or nullptr.
void qs8w4_gemm_pack(const Qs8w4GemmLayout& layout, size_t n, size_t k,
                     const uint8_t* int4_weights, const int32_t* bias, int32_t input_zero_point,
                     void* packed);

// -8 * sum of a row's K activations: what every kernel adds to undo the
// nibbles' +8 (wrapping int32 arithmetic, as the accumulators wrap).
inline int32_t qs8w4_row_correction(const int8_t* row, size_t k) {
  uint32_t sum = 0;
  for (size_t i = 0; i < k; ++i) sum += static_cast<uint32_t>(static_cast<int32_t>(row[i]));
  return static_cast<int32_t>(0u - 8u * sum);
}

Qs8GemmSignature qs8w4_gemm_4x8__reference;
// x86-64 (kernels/x86/qs8w4_gemm_*.cpp): VPMADDUBSW + VPMADDWD; VPDPBUSD.
Qs8GemmSignature qs8w4_gemm_4x8c4__avx2, qs8w4_gemm_4x8c4__avxvnni;
Qs8GemmSignature qs8w4_gemm_4x32c4__avx512vnni;
// aarch64 (kernels/arm/): SMULL + SMLAL + SADALP; SDOT.
Qs8GemmSignature qs8w4_gemm_2x8c8__neon, qs8w4_gemm_4x16c4__neondot;
// 32-bit ARM NEON: VMULL.S8 + VMLAL.S8 + VPADAL.S16.
Qs8GemmSignature qs8w4_gemm_2x8c8__armv7neon;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8w4_gemm_config.cpp).
KernelFamily<Qs8w4GemmKernel> qs8w4_gemm_variants();

}  // namespace lowbit
