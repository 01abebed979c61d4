// Binary convolution through a bin_gemm microkernel (kernels/bin_gemm.h) by
// pure indirection: the fast path of BCONV2D and BFULLY_CONNECTED. GEMM rows
// are output pixels; their taps are read in place from the bit-packed input
// through an indirection buffer of word offsets built once at prepare time
// (no per-tile copy of input rows). Portable driver code; the instruction set
// lives in the microkernel it is given. Must give exactly the bits of
// ref::bin_conv2d (kernels/reference/bin_conv2d.h) for every geometry.
//
// Out-of-image taps point at a zero row (+1 values), which adds popcount(w_tap)
// to the accumulator as +1 padding wants; zero padding then adds
// group_channels - 2*popcount(w_tap) per such tap to D.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/bin_gemm.h"
#include "kernels/reference/bin_conv2d.h"

namespace lowbit {

// Indirection entry of an out-of-image tap.
constexpr uint32_t kBinPaddingTap = UINT32_MAX;

struct BinConv2DGemmPlan {
  BinGemmKernel gemm{};
  BinOutputKernel output{};
  // Set by bin_conv2d_gemm_pack; the pointers point into its storage.
  size_t tap_words = 0;       // words per tap: bin_group_words
  uint32_t last_mask = ~0u;   // valid bits of a tap's last word
  // Per group, blocks_per_group blocks of gemm.nr filter channels
  // (bin_gemm_pack_block), block_words apart; pad bits and tails zero.
  const uint32_t* packed_filter = nullptr;
  size_t blocks_per_group = 0;
  size_t block_words = 0;
  // bit output: 2*threshold saturated to int32, [out_channels].
  const int32_t* doubled_threshold = nullptr;
  // pad_values = 0: what an out-of-image tap adds to D beyond the +1 padding
  // the zero row gives, group_channels - 2*popcount(w_tap), [taps][out_channels].
  const int32_t* tap_corrections = nullptr;
  // [pixels][taps]: word offset of the tap's input pixel, or kBinPaddingTap.
  const uint32_t* indirection = nullptr;
  const uint32_t* zero_row = nullptr;  // tap_words zero words
  // Run gemm.fused (the output stage in the GEMM epilogue) instead of gemm.fn
  // and `output`: set by bin_conv2d_gemm_pack when the kernel has one and the
  // mode allows (bit output needs channels per group % 16 == 0); may be cleared.
  bool use_fused = false;
};

// False when the input is too large for 32-bit word offsets (then use
// ref::bin_conv2d).
bool bin_conv2d_gemm_supported(const ref::BinConv2DParams& p);

// Bytes of 64-byte aligned scratch one concurrent bin_conv2d_gemm call needs
// (a multiple of 64).
size_t bin_conv2d_gemm_scratch_bytes(const ref::BinConv2DParams& p, const BinGemmKernel& gemm);

// Bytes of 64-byte aligned storage bin_conv2d_gemm_pack needs.
size_t bin_conv2d_gemm_packed_bytes(const ref::BinConv2DParams& p, const BinGemmKernel& gemm);

// Fills `storage` from the OHWI filter [out_channels][taps][group words],
// p.tap_popcounts, p.transform and the geometry (indirection buffer), and
// points plan (whose gemm is set) at it.
void bin_conv2d_gemm_pack(const ref::BinConv2DParams& p, const uint32_t* filter,
                          BinConv2DGemmPlan* plan, void* storage);

// Output pixels [pixel_begin, pixel_end); same output layout and bits as
// ref::bin_conv2d.
void bin_conv2d_gemm(const ref::BinConv2DParams& p, const BinConv2DGemmPlan& plan,
                     const uint32_t* input, void* output, void* scratch, size_t pixel_begin,
                     size_t pixel_end);

}  // namespace lowbit
