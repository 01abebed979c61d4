// The 16x8 kernels (TFLite's int16 activations with zero point 0, int8
// weights, int64 bias) of CONV_2D, FULLY_CONNECTED, DEPTHWISE_CONV_2D and
// TRANSPOSE_CONV: exact int64 sums, then kernels/reference/qs16_conv.h's
// bias, rescale and clamp. The operators' own files compute their geometry
// and call the prepare_* below from their prepare().
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qs16_dwconv.h"
#include "kernels/qs16_gemm.h"
#include "kernels/reference/qs16_conv.h"
#include "ops/conv2d_common.h"

namespace lowbit {

// Per-channel multipliers (the real one formed as `rule` says; with
// double_rescale the real scale itself, as LiteRT's FULLY_CONNECTED rescales
// in double), the bias widened to int64 and the fused activation's int16
// range, in persistent memory. Fails (kUnsupported) where TFLite's 64-bit rescale is undefined:
// a channel whose sum could reach 2^47 in magnitude (its weights as `layout`
// finds them, every input at -32768, plus the bias) or whose multiplier
// needs a left shift beyond 14.
Status prepare_qs16_rescale(PrepareContext& ctx, Activation activation, MultiplierRule rule,
                            bool double_rescale, int32_t output_channels,
                            const WeightsLayout& layout, ref::Qs16Rescale* rescale);

// CONV_2D (grouped too) and FULLY_CONNECTED (a 1x1 convolution over `batch`
// one-pixel images of K channels) as the 16x8 GEMM: each output pixel's
// window is gathered into an int16 row (zeros outside the image, the input
// zero point being 0), or read in place for 1x1 windows at stride 1 without
// padding. Work is split over the pool in contiguous runs of output rows,
// each run with its own slice of scratch.
class Qs16GemmConvKernel : public OpKernel {
 public:
  Status run(const RunContext& ctx) override;
  const char* name() const override { return name_; }
  uint64_t macs() const override { return macs_; }

 protected:
  Status prepare_layer(PrepareContext& ctx, const Qs8ConvGeometry& geometry, int32_t groups,
                       Activation activation, MultiplierRule rule, bool double_rescale = false);
  // CONV_2D: groups = input channels / the filter's.
  Status prepare_filter(PrepareContext& ctx, const Window2D& window, const Conv2DOptions& opt);

 private:
  void compute_rows(const int16_t* input, const int8_t* weights, int16_t* output, uint8_t* scratch,
                    size_t row_begin, size_t row_end) const;

  Qs8ConvGeometry g_;
  int32_t groups_ = 1;
  size_t group_k_ = 0;         // kernel_h * kernel_w * input channels of a group
  int32_t group_channels_ = 0;  // output channels of a group
  bool in_place_rows_ = false;
  size_t slices_ = 1, slice_bytes_ = 0;
  ref::Qs16Rescale rescale_;
  Qs16GemmFn gemm_ = nullptr;
  const char* name_ = "";
  uint64_t macs_ = 0;
};

// DEPTHWISE_CONV_2D: with depth multiplier 1 and at most kMaxSimdTaps taps,
// the SIMD rows of kernels/qs16_dwconv.h over each output pixel's window;
// otherwise (or with the reference kernel set) the reference loops.
class Qs16DepthwiseKernel : public OpKernel {
 public:
  static constexpr size_t kMaxSimdTaps = 64;

  Status run(const RunContext& ctx) override;
  const char* name() const override { return name_; }
  uint64_t macs() const override { return macs_; }

 protected:
  Status prepare_filter(PrepareContext& ctx, const Window2D& window,
                        const DepthwiseConv2DOptions& opt);

 private:
  void compute_rows(const int16_t* input, const int8_t* weights, int16_t* output,
                    size_t row_begin, size_t row_end) const;

  ref::Qs16DepthwiseParams p_;
  Qs16DwconvFn dwconv_ = nullptr;  // nullptr: the reference loops
  const char* name_ = "qs16_depthwise_conv2d__reference";
  uint64_t macs_ = 0;
};

// The 16x8 kernel of CONV_2D or DEPTHWISE_CONV_2D (Base: Qs16GemmConvKernel
// or Qs16DepthwiseKernel) over the operator's own window computation.
template <typename Base, typename Options,
          Status (*compute_window)(const GraphDesc&, const OperatorDesc&, const Options&,
                                   Window2D*)>
class Qs16FilterOp : public Base {
 public:
  explicit Qs16FilterOp(const Options& options) : options_(options) {}

  Status prepare(PrepareContext& ctx) override {
    Window2D window;
    LOWBIT_RETURN_IF_ERROR(compute_window(ctx.graph(), ctx.op(), options_, &window));
    return this->prepare_filter(ctx, window, options_);
  }

 private:
  const Options options_;
};

// TRANSPOSE_CONV: the 16x8 GEMM of every input pixel against the OHWI
// weights (rows (oc, ky, kx), K = input channels) into int64 columns in
// scratch, then the gather (ref::qs16_transpose_conv_output__reference).
class Qs16TransposeConvKernel {
 public:
  // `p`'s geometry filled by the operator.
  Status prepare(PrepareContext& ctx, const ref::Qs16TransposeConvParams& p,
                 Activation activation);
  void run(const RunContext& ctx) const;
  const char* name() const { return name_; }

 private:
  ref::Qs16TransposeConvParams p_;
  Qs16GemmFn gemm_ = nullptr;
  const char* name_ = "";
};

}  // namespace lowbit
