// Helpers shared by the binary operators (BCONV2D, BFULLY_CONNECTED, BMAXPOOL2D,
// BITPACK, BIT_UNPACK): operand checks for the three output modes, folding the
// output transform at prepare time, and splitting pixel ranges over threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/reference/bin_conv2d.h"
#include "ops/drivers/bin_conv2d_driver.h"
#include "ops/op_kernel.h"

namespace lowbit {

// Operand positions shared by BCONV2D and BFULLY_CONNECTED.
constexpr size_t kBinInput = 0;
constexpr size_t kBinWeights = 1;
constexpr size_t kBinMultiplier = 2;
constexpr size_t kBinBias = 3;
constexpr size_t kBinThreshold = 4;

// Output dtype -> mode; fails for other dtypes, naming the output.
Status bin_output_mode(const GraphDesc& graph, const OperatorDesc& op, ref::BinOutputMode* mode);

// Checks inputs 2..4 for the output mode: multiplier and bias (constant
// float32[out_channels]) for float32/int8 output, threshold (constant
// int32[out_channels]) for bit output, the others absent. Also the int8
// output's quantization and that bit output has no fused activation.
Status validate_bin_output_operands(const GraphDesc& graph, const OperatorDesc& op,
                                    int32_t out_channels, Activation activation);

// Dimension checks with messages naming the operand.
Status check_positive_dims(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                           size_t i);

// LCE's integer activation range on the ±1 convolution value.
void bin_activation_range(Activation activation, int32_t* act_min, int32_t* act_max);

// Fills `transform` for a validated operator: folded multiplier/bias in
// persistent memory (float32/int8) or the threshold pointer (bit).
// k = kernel_h * kernel_w * channels per group.
Status prepare_bin_output_transform(PrepareContext& ctx, int32_t out_channels, int32_t k,
                                    Activation activation, ref::BinOutputTransform* transform);

// The operator kernel of BCONV2D and BFULLY_CONNECTED (a 1x1 convolution of
// the batch rows): prepare() fills p_ and calls prepare_driver(); running is
// the driver's.
class BinConvOpKernel : public OpKernel {
 public:
  Status run(const RunContext& ctx) override;
  const char* name() const override { return driver_.name(); }
  uint64_t macs() const override { return macs_; }

 protected:
  // Folds the output transform for k = taps x channels per group into p_ and
  // prepares the driver for `family`'s kernels over `pixels` output pixels.
  Status prepare_driver(PrepareContext& ctx, const char* family, int32_t k, Activation activation,
                        bool same_padding, uint64_t pixels);

  ref::BinConv2DParams p_;

 private:
  BinConv2DDriver driver_;
  uint64_t macs_ = 0;
};

// The kernel of BITPACK and UNPACK: rows of channels_ values converted by one
// of two kernels, the int8 one when the real-valued side is int8.
template <typename Qs8Fn, typename F32Fn>
class BinRowsOpKernel : public OpKernel {
 public:
  const char* name() const override { return name_; }

 protected:
  // Rows and channels from `in` (channels innermost); the best variant of the
  // int8 or the float family.
  void select_variant(PrepareContext& ctx, const TensorDesc& in, bool int8,
                      KernelFamily<Qs8Fn> qs8_family, KernelFamily<F32Fn> f32_family) {
    channels_ = size_t(in.shape[in.shape.rank - 1]);
    rows_ = size_t(in.shape.num_elements()) / channels_;
    if (int8) {
      const auto& variant = ctx.selector().select(qs8_family);
      qs8_fn_ = variant.fn;
      name_ = variant.name;
    } else {
      const auto& variant = ctx.selector().select(f32_family);
      f32_fn_ = variant.fn;
      name_ = variant.name;
    }
  }

  size_t channels_ = 0, rows_ = 0;
  Qs8Fn qs8_fn_ = nullptr;  // nullptr: the float kernel runs
  F32Fn f32_fn_ = nullptr;

 private:
  const char* name_ = "";
};

// The create function of a binary operator: its kernel takes everything it
// needs in prepare().
template <typename Kernel>
Result<std::unique_ptr<OpKernel>> create_bin_op_kernel(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(new Kernel());
}

// Calls body(begin, end) over [0, count) in contiguous chunks spread over the
// pool. Chunking never changes results: every kernel computes each row alone.
template <typename Body>
void bin_parallel_rows(ThreadPool& pool, size_t count, Body&& body) {
  if (count == 0) return;
  const size_t chunks = std::min(count, size_t(std::max(1, pool.num_threads())) * 4);
  if (chunks == 1) {
    body(size_t{0}, count);
    return;
  }
  pool.parallel_for(chunks, [&](size_t i) { body(i * count / chunks, (i + 1) * count / chunks); });
}

}  // namespace lowbit
