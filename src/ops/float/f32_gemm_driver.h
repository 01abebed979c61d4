// Float FULLY_CONNECTED and ungrouped CONV_2D through the packed f32_igemm
// microkernels (kernels/f32_igemm.h): output pixels (or batch rows) are GEMM
// rows, output channels GEMM columns, K = kernel_h * kernel_w * channels.
// Weights and bias are packed once at prepare. A GEMM (FULLY_CONNECTED, 1x1
// CONV_2D of stride 1 without padding) points each row straight at its input
// row; other convolutions pass, per tile of rows, a pointer per tap to the
// input pixel (or to zeros in the padding), built in a per-task strip of
// scratch: no im2col copy. Undilated rows take a tap per kernel row
// (kernel_w adjacent pixels); only rows cut by the left or right border are
// assembled, with zeros, in the strip.
//
// Work is split over the thread pool like the int8 GEMM's (tiles of rows x
// blocks of channels); every output is computed by the same tile and panel
// whatever the split, so the bytes do not depend on the thread count.
#pragma once

#include <cstddef>

#include "kernels/f32_igemm.h"
#include "kernels/reference/f32_conv.h"
#include "ops/op_kernel.h"

namespace lowbit {

class F32GemmDriver {
 public:
  // A GEMM of `rows` rows of depth k (a_stride floats apart) against weights
  // [n][k]; bias may be null.
  Status prepare_gemm(PrepareContext& ctx, const KernelVariant<F32IgemmKernel>& variant,
                      size_t rows, size_t n, size_t k, size_t a_stride, const float* weights,
                      const float* bias, float out_min, float out_max);
  // CONV_2D with groups = 1, weights OHWI.
  Status prepare_conv(PrepareContext& ctx, const KernelVariant<F32IgemmKernel>& variant,
                      const ref::F32ConvParams& p, const float* weights, const float* bias);
  void run(ThreadPool& pool, const float* input, float* output, void* scratch) const;

 private:
  Status prepare_common(PrepareContext& ctx, const KernelVariant<F32IgemmKernel>& variant,
                        const float* weights, const float* bias);
  // Pointers of `count` rows from row0 on: taps_ per row; kernel rows cut by
  // the border (row taps) are assembled in `composed`.
  void fill_rows(size_t row0, size_t count, const float* input, const float** a,
                 float* composed) const;
  // Scratch per task: the pointers of a tile, then its composed rows.
  size_t strip_bytes() const;

  F32IgemmTile kernel_{};  // the variant's tile for n_ channels
  ref::F32ConvParams conv_;
  bool direct_ = true;  // rows read straight from the input
  bool row_taps_ = false;  // a tap per kernel row (kernel_w pixels) instead of per pixel
  size_t rows_ = 0, n_ = 0, taps_ = 1, kc_ = 0, a_stride_ = 0;
  float out_min_ = 0.0f, out_max_ = 0.0f;
  const float* packed_ = nullptr;
  const float* zeros_ = nullptr;  // kc_ zeros, for taps in the padding
  size_t row_splits_ = 1, channel_splits_ = 1;
};

}  // namespace lowbit
