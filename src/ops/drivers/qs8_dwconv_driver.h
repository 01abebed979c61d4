// int8 depthwise convolution through the qs8 depthwise microkernels.
//
// 3x3 and 5x5 filters with dilation 1 (any stride_h, stride_w 1 or 2) run the
// variant's row kernels: one call per output row and channel tile, with the
// filter's input rows (or a zero-point row for rows in the padding). Other
// shapes run the generic kernel once per output pixel, through one input
// pointer per tap: the input pixel or, for taps in the padding, the
// zero-point row.
//
// Threads take tiles of one output row by a run of channel blocks; channels
// are split only when rows alone cannot keep every thread busy. Each output
// byte is computed by the same arithmetic whatever the split, so the result
// does not depend on the thread count.
//
// With a depth multiplier M > 1, output channel c*M + m reads input channel
// c. Row kernels with row_multiplier (all of today's) read input channel
// c / M themselves; for the generic kernel the input is first expanded into
// scratch with each channel repeated M times, so it sees a multiplier-1
// convolution over output_c channels. A one-channel input fanned out to
// output_c channels runs the variant's fan-out row kernels where it has them
// (Qs8DwconvKernel::fanout_*), every channel of a row in one call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/qs8_dwconv.h"
#include "ops/op_kernel.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"  // Qs8ConvGeometry, Qs8ConvQuantization

namespace lowbit {

class Qs8DwconvDriver {
 public:
  static constexpr size_t kMaxTaps = 256;
  // Layers with fewer MACs run on the calling thread (a 6x6x256 3x3 layer,
  // 83k MACs, takes about 2 us on one core).
  static constexpr size_t kMinMacsToSplit = 100000;

  // geometry.output_c is a multiple of geometry.input_c (the depth
  // multiplier); weights [kernel_h*kernel_w][output_c].
  Status prepare(PrepareContext& ctx, const KernelVariant<Qs8DwconvKernel>& variant,
                 const Qs8ConvGeometry& geometry, const Qs8ConvQuantization& quantization,
                 const DriverWeights& weights, const int32_t* bias);
  // scratch: what prepare requested (nothing for depth multiplier 1).
  void run(ThreadPool& pool, const int8_t* input, int8_t* output, void* scratch) const;
  // The GEMM driver's interface (no row sums here).
  bool pixel_sums_wanted() const { return false; }
  Qu8FlipSumsFn flip_sums() const { return nullptr; }
  void run(ThreadPool& pool, const int8_t* input, int8_t* output, void* scratch,
           const int32_t* /*row_sums*/) const {
    run(pool, input, output, scratch);
  }
  // Legacy uint8 weights that do not fit int8 run split in halves, each tap
  // read twice by the generic kernel (ops/legacy_uint8.h).
  static Uint8WeightsForm uint8_fallback(const KernelVariant<Qs8DwconvKernel>& /*variant*/) {
    return Uint8WeightsForm::kSplitTaps;
  }
  // uint8 outputs are flipped after the kernels: letting the AVX-512 row
  // kernels write them directly (their VPMOVWB keeps the low byte) gave 127
  // for every byte when tried, not yet understood.
  static bool writes_uint8(const KernelVariant<Qs8DwconvKernel>& /*variant*/) { return false; }
  // The variant, with the row kernel's shape when one runs ("qs8_dwconv_3x3s1_c32__avx2").
  const char* name() const { return name_.c_str(); }

 private:
  // Output row `row` (batch * output_h + oy), channels [c0, c0 + nc).
  void run_rows_tile(size_t row, size_t c0, size_t nc, const int8_t* input, int8_t* output) const;
  void run_generic_tile(size_t row, size_t c0, size_t nc, const int8_t* input,
                        int8_t* output) const;
  void expand_row(size_t row, const int8_t* input, int8_t* expanded) const;
  Qs8GemmParams params_from(size_t c0) const;

  Qs8ConvGeometry g_;
  Qs8DwconvKernel kernel_{};
  Qs8DwconvRowFn row_fn_ = nullptr;
  Qs8GemmParams params_;
  const uint8_t* packed_ = nullptr;
  // Qs8DwconvKernel::row_terms (row kernels) or generic_terms (fn_terms), per block.
  const uint8_t* row_terms_ = nullptr;
  size_t terms_block_bytes_ = 0;
  size_t packed_block_bytes_ = 0;  // packed bytes per channel block
  const int8_t* zero_row_ = nullptr;
  std::string name_;
  size_t depth_multiplier_ = 1;
  size_t tap_reads_ = 1;  // 2 for split taps (Qs8ConvQuantization::split_taps)
  bool expand_input_ = false;  // M > 1 and the kernels need the expanded input
  bool fanout_ = false;        // row_fn_ is a fan-out kernel (one input channel)
  // Byte offset of each tap from the window's top-left pixel (interior pixels).
  size_t tap_offsets_[kMaxTaps] = {};
};

}  // namespace lowbit
