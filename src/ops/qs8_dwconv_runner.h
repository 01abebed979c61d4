// int8 depthwise convolution through the qs8 depthwise microkernels: each
// output pixel gets one input pointer per tap, pointing at the input pixel
// or, for taps in the padding, at a row of the input zero point. Rows of
// output pixels are spread over the threads.
//
// With a depth multiplier M > 1, output channel c*M + m reads input channel
// c: the input is first expanded into scratch with each channel repeated M
// times (the size of the output times stride^2), so the microkernels see a
// multiplier-1 convolution over output_c channels and stay unchanged.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qs8_dwconv.h"
#include "ops/op_kernel.h"
#include "ops/qs8_gemm_conv.h"  // Qs8ConvGeometry, Qs8ConvQuantization

namespace lowbit {

class Qs8DwconvRunner {
 public:
  static constexpr size_t kMaxTaps = 256;

  // geometry.output_c is a multiple of geometry.input_c (the depth
  // multiplier); weights [kernel_h*kernel_w][output_c].
  Status prepare(PrepareContext& ctx, const KernelVariant<Qs8DwconvKernel>& variant,
                 const Qs8ConvGeometry& geometry, const Qs8ConvQuantization& quantization,
                 const int8_t* weights, const int32_t* bias);
  // scratch: what prepare requested (nothing for depth multiplier 1).
  void run(ThreadPool& pool, const int8_t* input, int8_t* output, void* scratch) const;
  const char* name() const { return name_; }

 private:
  void run_row(size_t row, const int8_t* input, int8_t* output) const;
  void expand_row(size_t row, const int8_t* input, int8_t* expanded) const;

  Qs8ConvGeometry g_;
  Qs8DwconvKernel kernel_{};
  Qs8GemmParams params_;
  const void* packed_ = nullptr;
  const int8_t* padding_row_ = nullptr;
  const char* name_ = "";
  size_t depth_multiplier_ = 1;
  // Byte offset of each tap from the window's top-left pixel (interior pixels).
  size_t tap_offsets_[kMaxTaps] = {};
};

// The best depthwise variant the selector allows.
const KernelVariant<Qs8DwconvKernel>& select_qs8_dwconv(const KernelSelector& selector);

}  // namespace lowbit
