// Binary convolution as im2col + a bin_gemm microkernel (kernels/bin_gemm.h):
// the fast path of BCONV2D and BFULLY_CONNECTED. Portable driver code; the
// instruction set lives in the microkernel it is given. Must give exactly the
// bits of ref::bin_conv2d (kernels/reference/bin_conv2d.h) for every geometry.
//
// Out-of-image taps are im2col'ed as 0 words (+1 values), which adds
// popcount(w_tap) to the accumulator as +1 padding wants; zero padding then
// adds group_channels - 2*popcount(w_tap) per such tap to D.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/bin_gemm.h"
#include "kernels/reference/bin_conv2d.h"

namespace lowbit {
namespace ref {

struct BinConv2DGemmPlan {
  BinGemmKernel gemm{};
  BinOutputKernel output{};
  // Words per im2col row and per filter row: kernel_h*kernel_w*group words
  // rounded up to gemm.k_align (bin_conv2d_gemm_k_words).
  size_t k_words = 0;
  // The rest points into the storage bin_conv2d_gemm_pack fills.
  // Per group, ceil(channels per group / nr) blocks of gemm.nr filter rows in
  // the kernel's layout (bin_gemm_pack_block); pad bits and tail words zero.
  const uint32_t* packed_filter = nullptr;
  size_t blocks_per_group = 0;
  // bit output: 2*threshold saturated to int32, [out_channels].
  const int32_t* doubled_threshold = nullptr;
  // pad_values = 0: what an out-of-image tap adds to D beyond the +1 padding
  // the im2col rows give, group_channels - 2*popcount(w_tap), [taps][out_channels].
  const int32_t* tap_corrections = nullptr;
};

size_t bin_conv2d_gemm_k_words(const BinConv2DParams& p, const BinGemmKernel& gemm);

// Bytes of 64-byte aligned scratch one concurrent bin_conv2d_gemm call needs
// (a multiple of 64).
size_t bin_conv2d_gemm_scratch_bytes(const BinConv2DParams& p, const BinConv2DGemmPlan& plan);

// Bytes of 64-byte aligned storage bin_conv2d_gemm_pack needs (plan->k_words set).
size_t bin_conv2d_gemm_packed_bytes(const BinConv2DParams& p, const BinConv2DGemmPlan& plan);

// Fills `storage` from the OHWI filter [out_channels][taps][group words] (pad
// bits cleared), p.tap_popcounts and p.transform, and points the plan at it.
void bin_conv2d_gemm_pack(const BinConv2DParams& p, const uint32_t* filter,
                          BinConv2DGemmPlan* plan, void* storage);

// Output pixels [pixel_begin, pixel_end); same output layout and bits as
// ref::bin_conv2d. p.tap_popcounts is needed whenever padding is SAME.
void bin_conv2d_gemm(const BinConv2DParams& p, const BinConv2DGemmPlan& plan,
                     const uint32_t* input, void* output, void* scratch, size_t pixel_begin,
                     size_t pixel_end);

}  // namespace ref
}  // namespace lowbit
