// int8 GEMM microkernels with fused requantization.
//
//   acc[m][n] = packed_bias[n] + sum over k < K of a[m][k] * w[k][n]
//               (+ row_offsets[m] where the kernel supports and is given them)
//   c[m][n]   = clamp(requantize(acc[m][n], channel n, profile) + output_zero_point)
//
// A rows are K int8 values read through row pointers (so convolution can point
// rows at pixels or at an indirection/im2col buffer without copying). Weights
// are packed once by qs8_gemm_pack() into the variant's layout, with the input
// zero point (and, for VNNI, the unsigned-offset correction) folded into
// packed_bias. Requantization is bit-exact with kernels/reference/requantize.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/requantize.h"

namespace lowbit {

struct Qs8GemmParams {
  RequantProfile profile{};
  int32_t output_zero_point = 0;
  int32_t output_min = -128;
  int32_t output_max = 127;
  // Per output channel, padded with zeros to a multiple of the variant's NR.
  const int32_t* multiplier = nullptr;
  const int32_t* shift = nullptr;
  const float* scale = nullptr;
  // Per row of the call (mr values), added to the accumulator before
  // requantization, or nullptr. Legacy uint8 layers whose weights do not fit
  // int8 around their zero point pass (128 - zw) * sum of the row's
  // activations here (src/ops/legacy_uint8.h). Only kernels with
  // Qs8GemmKernel::row_offsets read it.
  const int32_t* row_offsets = nullptr;
  // The fixed-point requantization terms Qs8GemmKernel::requant_terms wrote
  // at prepare, from the first channel of the call on (requant_terms_block_bytes
  // per NR block), or nullptr: the kernel computes them per call. Kernels
  // without requant_terms never read it.
  const void* requant_terms = nullptr;
};

// Packed weight layout of one variant: K is padded to a multiple of k_group
// (zeros), channels to a multiple of nr; each block of nr channels stores nr
// int32 biases then the k-groups.
struct Qs8GemmLayout {
  uint32_t nr;
  uint32_t k_group;
  bool unsigned_activations;  // VNNI: activations enter as a + 128
};

// Computes c[m*c_stride + n] for m < mr <= MR, n < nc (whole channel range,
// split into NR blocks inside). a_rows[m] points at K int8 values; a row may
// never be read past K.
using Qs8GemmSignature = void(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                             const void* packed_w, int8_t* c, size_t c_stride,
                             const Qs8GemmParams& params);
using Qs8GemmFn = Qs8GemmSignature*;

// Indirect GEMM, optional per variant: row m's K values are `taps` runs of
// tap_bytes each (a multiple of the variant's k_group) at
// indirection[m * taps + t], e.g. the input pixels under a convolution
// window. Same packed weights and results as the GEMM of the joined rows.
using Qs8IgemmSignature = void(size_t mr, size_t nc, size_t taps, size_t tap_bytes,
                              const int8_t* const* indirection, const void* packed_w, int8_t* c,
                              size_t c_stride, const Qs8GemmParams& params);
using Qs8IgemmFn = Qs8IgemmSignature*;

// Legacy uint8 input of a layer whose GEMM rows are pixels (row_offsets):
// output[i] = input[i] ^ 0x80, and sums[p] the sum of pixel p's int8 values.
// With output nullptr the input is int8 already (a flipped uint8 tensor) and
// only its pixel sums are written.
using Qu8FlipSumsFn = void (*)(const uint8_t* input, int8_t* output, size_t pixels,
                               size_t pixel_bytes, int32_t* sums);

using Qs8OffsetFn = void (*)(const int8_t* input, int8_t* output, size_t n);

// Writes the requantization terms of `channels` channels of `params` (the
// profile, zero point and per-channel arrays) into `terms`, or returns false
// where the kernel cannot use stored terms for this layer. max_abs_accumulator
// bounds the magnitude of every accumulator the kernel will requantize with
// them (the layer's |bias| + K * 255 * 255 does), or is 0 where unknown.
using Qs8GemmTermsFn = bool (*)(size_t channels, const Qs8GemmParams& params,
                                uint32_t max_abs_accumulator, void* terms);

// A taller tile of a variant for layers of at most layout.nr channels (one
// packed block): same packed weights, same outputs, mr rows per call. With
// one block per broadcast the variant's own tile keeps too few accumulators
// in flight (kernels/x86/qs8_gemm_16x16_avx512vnni.cpp).
struct Qs8NarrowTile {
  const char* name;  // what operators report running it
  uint32_t mr;
  Qs8GemmFn fn;
  Qs8IgemmFn igemm;
  Qs8GemmFn fn_offset;
  Qs8IgemmFn igemm_offset;
};

struct Qs8GemmKernel {
  Qs8GemmFn fn;
  uint32_t mr;
  Qs8GemmLayout layout;
  Qs8IgemmFn igemm = nullptr;  // nullptr: the variant has no indirect form
  // The portable definition, for the kernel tests: CONV_2D and
  // FULLY_CONNECTED run their direct reference kernels instead.
  bool portable = false;
  // Reads Qs8GemmParams::row_offsets (gemm and igemm).
  bool row_offsets = false;
  // Stores the low byte of each clamped int32 (no saturating pack): with
  // output_zero_point, output_min and output_max in [0, 255] it writes uint8
  // bytes directly.
  bool stores_low_byte = false;
  // Optional, with row_offsets: the flip and pixel sums at this ISA.
  Qu8FlipSumsFn flip_sums = nullptr;
  // Optional (unsigned_activations layouts): the same GEMM and indirect GEMM
  // on rows that hold every activation as a ^ 0x80 already (VNNI's unsigned
  // operand, a + 128), with the same packed weights and outputs; padding read
  // through them must be offset too. offset_activations writes that form
  // (output[i] = input[i] ^ 0x80), once per layer input, so the K loop needs
  // no XOR per broadcast activation.
  Qs8GemmFn fn_offset = nullptr;
  Qs8IgemmFn igemm_offset = nullptr;
  Qs8OffsetFn offset_activations = nullptr;
  // Optional: the tile for layers of at most layout.nr channels.
  const Qs8NarrowTile* narrow = nullptr;
  // Optional: stores a layer's requantization terms once
  // (Qs8GemmParams::requant_terms, requant_terms_block_bytes per NR block),
  // for every form above, instead of per call.
  Qs8GemmTermsFn requant_terms = nullptr;
  uint32_t requant_terms_block_bytes = 0;
};

// `kernel` with its narrow tile's functions and rows in place of its own
// (the same layout and flags).
inline Qs8GemmKernel qs8_gemm_narrow_form(const Qs8GemmKernel& kernel) {
  Qs8GemmKernel form = kernel;
  form.mr = kernel.narrow->mr;
  form.fn = kernel.narrow->fn;
  form.igemm = kernel.narrow->igemm;
  form.fn_offset = kernel.narrow->fn_offset;
  form.igemm_offset = kernel.narrow->igemm_offset;
  form.narrow = nullptr;
  return form;
}

// Channel c's accumulator requantized and clamped as `params` says: the
// output every qs8 GEMM and depthwise kernel stores (the portable kernels
// call this).
inline int8_t qs8_requantize_channel(int32_t acc, const Qs8GemmParams& params, size_t c) {
  ref::Requantizer r;
  r.multiplier = params.multiplier[c];
  r.shift = params.shift[c];
  r.scale = params.scale[c];
  return static_cast<int8_t>(ref::requantize_to_output(acc, r, params.profile,
                                                       params.output_zero_point,
                                                       params.output_min, params.output_max));
}

// The profile SIMD GEMM and depthwise kernels compute for `params`, with the
// same outputs (ref::clamped_profile).
inline RequantProfile qs8_kernel_profile(const Qs8GemmParams& params) {
  return ref::clamped_profile(built_profile(params.profile), params.output_zero_point,
                              params.output_min);
}

size_t qs8_gemm_packed_bytes(const Qs8GemmLayout& layout, size_t n, size_t k);
// weights: [n][k] int8 (OHWI flattened: one row per output channel);
// bias: int32[n] or nullptr.
void qs8_gemm_pack(const Qs8GemmLayout& layout, size_t n, size_t k, const int8_t* weights,
                   const int32_t* bias, int32_t input_zero_point, void* packed);
// K rounded up to the variant's k-group (the packed weights are zero there).
inline size_t qs8_gemm_padded_k(const Qs8GemmLayout& layout, size_t k) {
  return (k + layout.k_group - 1) / layout.k_group * layout.k_group;
}

Qs8GemmSignature qs8_gemm_4x8__reference;
// x86-64 (kernels/x86/). qs8_gemm_4x8c4__avxvnni is untested on real hardware
// (no AVX-VNNI CPU was available).
Qs8GemmSignature qs8_gemm_2x8c8__avx2, qs8_gemm_8x16c2__avx512, qs8_gemm_4x8c4__avxvnni;
Qs8GemmSignature qs8_gemm_8x16c4__avx512vnni;
Qs8IgemmSignature qs8_igemm_8x16c4__avx512vnni;
// The two above on offset rows (Qs8GemmKernel::fn_offset), and the offset.
Qs8GemmSignature qs8_gemm_8x16c4__avx512vnni_offset;
Qs8IgemmSignature qs8_igemm_8x16c4__avx512vnni_offset;
// The 16-row tile of the above for layers of at most 16 channels
// (Qs8GemmKernel::narrow).
Qs8GemmSignature qs8_gemm_16x16c4__avx512vnni, qs8_gemm_16x16c4__avx512vnni_offset;
Qs8IgemmSignature qs8_igemm_16x16c4__avx512vnni, qs8_igemm_16x16c4__avx512vnni_offset;
bool qs8_gemm_requant_terms__avx512vnni(size_t channels, const Qs8GemmParams& params,
                                        uint32_t max_abs_accumulator, void* terms);
constexpr uint32_t kQs8GemmTermsBlockBytesAvx512vnni = 6 * 64;
void qs8_offset_activations__avx512vnni(const int8_t* input, int8_t* output, size_t n);
void qu8_flip_sums__avx512(const uint8_t* input, int8_t* output, size_t pixels,
                           size_t pixel_bytes, int32_t* sums);
// qs8_gemm_4x8c4__avxvnni's source with EVEX encoding (AVX512-VNNI + VL), so
// tests and benchmarks run its logic where AVX-VNNI is missing; never selected.
Qs8GemmSignature qs8_gemm_4x8c4__avxvnni_evex;
// aarch64 (kernels/arm/, docs/arm.md): SMULL+SADALP, SDOT, SMMLA.
Qs8GemmSignature qs8_gemm_2x8c8__neon, qs8_gemm_4x16c4__neondot, qs8_gemm_4x8c8__i8mm;
Qs8IgemmSignature qs8_igemm_4x16c4__neondot;
void qu8_flip_sums__neon(const uint8_t* input, int8_t* output, size_t pixels, size_t pixel_bytes,
                         int32_t* sums);
// 32-bit ARM (kernels/arm/*_armv7neon.cpp): VMULL.S8+VPADAL.S16, built with -mfpu=neon.
Qs8GemmSignature qs8_gemm_2x8c8__armv7neon;
// Cortex-M4 bare metal (kernels/arm/*_cortexm4.cpp): SXTB16 + SMLAD.
Qs8GemmSignature qs8_gemm_2x4c4__cortexm4;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_gemm_config.cpp).
KernelFamily<Qs8GemmKernel> qs8_gemm_variants();

#if defined(__x86_64__)
// The row of qs8_gemm_4x8c4__avxvnni_evex, built from the table's
// qs8_gemm_4x8c4__avxvnni row (same layout and tile): the kernel tests and
// bench_kernels add it so the AVX-VNNI logic runs on CPUs with AVX512-VNNI but
// no AVX-VNNI (AMD Zen 4). Only builds with the avxvnni row link the function.
inline KernelVariant<Qs8GemmKernel> qs8_gemm_avxvnni_evex_row(KernelVariant<Qs8GemmKernel> row) {
  row.name = "qs8_gemm_4x8c4__avxvnni_evex";
  row.isa = "avx512vnni";
  row.required = kIsaAvx512 | kCpuAVX512VNNI;
  row.fn.fn = qs8_gemm_4x8c4__avxvnni_evex;
  return row;
}
#endif

}  // namespace lowbit
