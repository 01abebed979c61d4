// Legacy uint8 weighted layers (TFLite's asymmetric uint8 quantization: uint8
// activations and uint8 weights with a per-tensor zero point) on the int8
// drivers. Exact because the accumulator only sees differences:
//   x - zx == int8(x ^ 0x80) - (zx - 128)      for every uint8 x,
// and requantization adds the output zero point and clamps, which commutes
// with shifting zero point, clamp bounds and result by 128. The multipliers
// stay the uint8 ones (make_channel_requantizers' float-product rule).
//
// The weights' differences d = w - zw reach int8 in one of three forms:
//   kShifted:   d itself, when every d of the layer fits int8;
//   kRowSums:   w - 128, the GEMM adding (128 - zw) * sum(x - zx) of each
//               output pixel's inputs before requantization (most layers:
//               TFLite's uint8 weights span [1, 255] around any zero point);
//   kSplitTaps: depthwise, each tap twice: d = high + low, both int8 (needs
//               |d| <= 254 and at most 128 taps); row kernels with
//               wide_row_weights (x86) rejoin them as int16 instead.
// A layer no form fits keeps the uint8 reference kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lowbit/graph.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"  // Qs8ConvQuantization, Uint8WeightsForm
#include "ops/op_kernel.h"

namespace lowbit {

// The range of w - zw over uint8 `weights` (per-tensor zero point): what
// the form of a layer depends on. Read from the model's prepared data when
// it has it (weighted_op_kernel.h), so prepare need not visit every weight.
struct Uint8WeightRange {
  int32_t lo = 0, hi = 0;
};
Uint8WeightRange uint8_weight_range(const TensorDesc& weights);

// Whether every w - zw of uint8 `weights` (per-tensor zero point) fits int8.
bool uint8_weights_fit_int8(const TensorDesc& weights);
bool uint8_weights_fit_int8(Uint8WeightRange range);

// The form `weights` take given the driver's fallback (kRowSums, kSplitTaps,
// or kShifted for none): kShifted when they fit, else the fallback when it
// applies; false when nothing does. taps: the depthwise filter's KH * KW.
bool uint8_weights_form(const TensorDesc& weights, Uint8WeightsForm fallback, size_t taps,
                        Uint8WeightsForm* form);
bool uint8_weights_form(Uint8WeightRange range, Uint8WeightsForm fallback, size_t taps,
                        Uint8WeightsForm* form);

// What `form` sets in q (row_sum_multiplier, split_taps) without forming
// the weights; uint8_weights_as_int8 sets the same.
void uint8_form_quantization(int32_t weights_zero_point, Uint8WeightsForm form,
                             Qs8ConvQuantization* q);

// The int8 weights in `form` (kSplitTaps: [taps][channels] high halves, then
// the low halves) and, for kRowSums, q->row_sum_multiplier.
void uint8_weights_as_int8(const TensorDesc& weights, Uint8WeightsForm form,
                           std::vector<int8_t>* out, Qs8ConvQuantization* q);

// The same quantization seen on sign-flipped (int8) activations: the input
// zero point minus 128, and the output's zero point and clamp bounds too
// unless `uint8_output` (a kernel that writes uint8 bytes itself).
Qs8ConvQuantization flipped_quantization(Qs8ConvQuantization q, bool uint8_output);

// dst[i] = src[i] ^ 0x80 (uint8 <-> int8 with zero point - 128), split over
// the pool in blocks. dst may equal src.
void flip_sign_bits(ThreadPool& pool, const void* src, void* dst, size_t bytes);

// flip_sign_bits over `pixels` runs of pixel_bytes, also writing each run's
// sum of flipped (int8) values to sums[pixel], through `simd` when given
// (Qs8GemmKernel::flip_sums).
void flip_sign_bits_with_sums(ThreadPool& pool, const void* src, void* dst, size_t pixels,
                              size_t pixel_bytes, int32_t* sums, Qu8FlipSumsFn simd);

// sums[pixel] = the sum of the int8 values of each of `pixels` runs of
// pixel_bytes (a flipped uint8 tensor's pixels), split over the pool,
// through `simd` (with a null output) when given.
void sum_int8_pixels(ThreadPool& pool, const void* src, size_t pixels, size_t pixel_bytes,
                     int32_t* sums, Qu8FlipSumsFn simd);

// A PrepareContext that forwards everything to `base` but keeps the scratch
// requests to itself, so a caller can place a driver's scratch after its own.
class ScratchRecordingContext : public PrepareContext {
 public:
  explicit ScratchRecordingContext(PrepareContext& base) : base_(base) {}
  const GraphDesc& graph() const override { return base_.graph(); }
  const OperatorDesc& op() const override { return base_.op(); }
  int op_index() const override { return base_.op_index(); }
  RequantProfile profile() const override { return base_.profile(); }
  const KernelSelector& selector() const override { return base_.selector(); }
  ThreadPool& pool() const override { return base_.pool(); }
  bool stored_flipped(int tensor) const override { return base_.stored_flipped(tensor); }
  void request_scratch(size_t bytes) override {
    if (bytes > scratch_bytes_) scratch_bytes_ = bytes;
  }
  void* allocate_persistent(size_t bytes) override { return base_.allocate_persistent(bytes); }
  const void* find_prepared(const std::string& key, size_t bytes) const override {
    return base_.find_prepared(key, bytes);
  }
  void offer_prepared(const std::string& key, const void* data, size_t bytes) override {
    base_.offer_prepared(key, data, bytes);
  }
  bool sizing_only() const override { return base_.sizing_only(); }
  void reserve_persistent(size_t bytes) override { base_.reserve_persistent(bytes); }
  size_t scratch_bytes() const { return scratch_bytes_; }

 private:
  PrepareContext& base_;
  size_t scratch_bytes_ = 0;
};

}  // namespace lowbit
