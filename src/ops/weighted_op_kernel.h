// The operator kernel of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED and
// their create().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ops/conv2d_common.h"
#include "ops/float/float_kernels.h"
#include "ops/int4_weights.h"
#include "ops/legacy_uint8.h"

namespace lowbit {

// The kernel of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: int8 layers
// the CPU's microkernels serve run through Driver (Qs8GemmConvDriver,
// Qs8DwconvDriver), all others through the whole-layer reference kernel over
// reference_rows_. The operator's prepare() fills p_ and decides. Legacy
// uint8 layers whose w - zw reach int8 run the same driver on sign-flipped
// activations (ops/legacy_uint8.h): an input not stored flipped
// (runtime/flipped_uint8.h) is flipped into scratch first, an output not
// stored flipped is flipped back in place after (unless the kernel writes
// uint8 itself). The reference kernel takes uint8 as uint8, so it undoes
// the flips of operands stored flipped the same way.
template <typename Options, typename Params, typename Qs8Fn, typename Qu8Fn, typename Driver>
class WeightedOpKernel : public OpKernel {
 public:
  using OptionsKind = Options;
  explicit WeightedOpKernel(const Options& options) : options_(options) {}

  Status run(const RunContext& ctx) override {
    auto* scratch = static_cast<uint8_t*>(ctx.scratch());
    const void* input = ctx.input(0);
    int32_t* pixel_sums =
        pixel_sums_wanted_ ? reinterpret_cast<int32_t*>(scratch + pixel_sums_offset_) : nullptr;
    if (flipped_input_bytes_ > 0) {
      if (pixel_sums) {
        flip_sign_bits_with_sums(ctx.pool(), input, scratch, flipped_input_bytes_ / pixel_bytes_,
                                 pixel_bytes_, pixel_sums, driver_.flip_sums());
      } else {
        flip_sign_bits(ctx.pool(), input, scratch, flipped_input_bytes_);
      }
      input = scratch;
    } else if (pixel_sums) {
      sum_int8_pixels(ctx.pool(), input, pixel_count_, pixel_bytes_, pixel_sums,
                      driver_.flip_sums());
    }
    if (use_driver_) {
      driver_.run(ctx.pool(), static_cast<const int8_t*>(input), ctx.output_as<int8_t>(0),
                  scratch + driver_scratch_offset_, pixel_sums);
    } else {
      kernel_.run(p_, ctx, has_bias_, reference_rows_, input, unpacked_int4_weights_);
    }
    if (flipped_output_bytes_ > 0) {
      flip_sign_bits(ctx.pool(), ctx.output(0), ctx.output(0), flipped_output_bytes_);
    }
    return Status::Ok();
  }
  const char* name() const override { return use_driver_ ? driver_.name() : kernel_.name(); }
  uint64_t macs() const override { return macs_; }

 protected:
  // int4 weights sign-extended to int8 once (ops/int4_weights.h) for the
  // reference kernel, which reads them at run time.
  Status prepare_int4_weights(PrepareContext& ctx) {
    if (ctx.input(1).dtype != DType::kInt4) return Status::Ok();
    unpacked_int4_weights_ = weights_as_int8(ctx, 1);
    if (unpacked_int4_weights_ == nullptr) {
      return Status(StatusCode::kResourceExhausted,
                    "out of memory unpacking the int4 weights of " +
                        describe_input(ctx.graph(), ctx.op(), 1));
    }
    return Status::Ok();
  }
  void select_reference(const PrepareContext& ctx, const KernelFamily<Qs8Fn>& qs8_variants,
                        const KernelFamily<Qu8Fn>& qu8_variants) {
    has_bias_ = ctx.has_input(2);
    kernel_.select(ctx.selector(), ctx.input(0).dtype, qs8_variants, qu8_variants);
  }
  // The part of prepare() CONV_2D and DEPTHWISE_CONV_2D share: p_'s window
  // and quantization (real multipliers formed in double), the reference
  // kernel, the work; returns the drivers' geometry of the layer.
  Qs8ConvGeometry prepare_filter_layer(PrepareContext& ctx, const Window2D& window,
                                       int32_t output_channels, size_t taps,
                                       const KernelFamily<Qs8Fn>& qs8_variants,
                                       const KernelFamily<Qu8Fn>& qu8_variants) {
    const Qs8ConvGeometry geometry = filter_geometry(ctx.input(0).shape, ctx.input(1).shape,
                                                     window, options_, output_channels);
    set_window_params(geometry, &p_);
    set_output_quantization(ctx, options_.activation, &p_);
    p_.requantizers = make_channel_requantizers(ctx, MultiplierRule::kDouble, output_channels);
    select_reference(ctx, qs8_variants, qu8_variants);
    reference_rows_ = size_t(p_.batch) * p_.output_h;
    macs_ = uint64_t(p_.batch) * p_.output_h * p_.output_w * output_channels * taps;
    return geometry;
  }
  // Whether the driver can run the layer with this microkernel variant: int8,
  // or uint8 in some Uint8WeightsForm (else the reference), a SIMD variant,
  // a profile it implements.
  template <typename Variant>
  bool driver_applies(PrepareContext& ctx, const Variant& variant) {
    const DType dtype = ctx.input(0).dtype;
    Uint8WeightsForm form;
    const bool int8_weights =
        dtype == DType::kInt8 ||
        (dtype == DType::kUInt8 && uint8_weights_form(uint8_range(ctx),
                                                      Driver::uint8_fallback(variant),
                                                      filter_taps(ctx), &form));
    return int8_weights && !variant.fn.portable && ref::simd_kernels_support(p_.profile);
  }
  // The range of w - zw of legacy uint8 weights: from the model's prepared
  // data when it has it (no pass over the weights), else computed once and
  // offered to the converter. Stored as two native int32 (lo, hi).
  Uint8WeightRange uint8_range(PrepareContext& ctx) {
    if (uint8_range_known_) return uint8_range_;
    const std::string key =
        "uint8_weight_range.v1 zw=" + std::to_string(ctx.input(1).quant.zero_points[0]);
    if (const void* stored = ctx.find_prepared(key, sizeof(Uint8WeightRange))) {
      std::memcpy(&uint8_range_, stored, sizeof(Uint8WeightRange));
    } else {
      uint8_range_ = uint8_weight_range(ctx.input(1));
      ctx.offer_prepared(key, &uint8_range_, sizeof(Uint8WeightRange));
    }
    uint8_range_known_ = true;
    return uint8_range_;
  }
  // When use_driver_, packs the layer's int8 weights (uint8 ones as w - zw)
  // and bias for the driver's variant; uint8 layers also get scratch for the
  // flipped input ahead of the driver's own. Otherwise the reference's
  // scratch for operands stored flipped.
  template <typename Variant>
  Status prepare_driver_if_used(PrepareContext& ctx, const Variant& variant,
                                const Qs8ConvGeometry& geometry,
                                const Qs8ConvQuantization& quantization) {
    if (!use_driver_) return prepare_reference_flips(ctx);
    const auto* bias = has_bias_ ? static_cast<const int32_t*>(ctx.input(2).data) : nullptr;
    // The driver packs a copy of its own: int4 and uint8 weights are formed
    // as int8 only if it does (DriverWeights).
    std::vector<int8_t> formed;
    if (ctx.input(0).dtype != DType::kUInt8) {
      if (ctx.input(1).dtype == DType::kInt4) {
        const DriverWeights unpacked([&] {
          formed.resize(size_t(ctx.input(1).shape.num_elements()));
          unpack_int4(static_cast<const uint8_t*>(ctx.input(1).data), formed.size(),
                      formed.data());
          return formed.data();
        });
        return driver_.prepare(ctx, variant, geometry, quantization, unpacked, bias);
      }
      return driver_.prepare(ctx, variant, geometry, quantization,
                             static_cast<const int8_t*>(ctx.input(1).data), bias);
    }
    Uint8WeightsForm form;
    if (!uint8_weights_form(uint8_range(ctx), Driver::uint8_fallback(variant), filter_taps(ctx),
                            &form)) {
      return Status(StatusCode::kInternal, "uint8 weights of " +
                                               describe_input(ctx.graph(), ctx.op(), 1) +
                                               " changed form since driver_applies");
    }
    const bool uint8_output = Driver::writes_uint8(variant) && !ctx.output_flipped(0);
    Qs8ConvQuantization flipped = flipped_quantization(quantization, uint8_output);
    uint8_form_quantization(ctx.input(1).quant.zero_points[0], form, &flipped);
    const DriverWeights weights([&] {
      Qs8ConvQuantization same = flipped;
      uint8_weights_as_int8(ctx.input(1), form, &formed, &same);
      return formed.data();
    });
    ScratchRecordingContext recording(ctx);
    LOWBIT_RETURN_IF_ERROR(driver_.prepare(recording, variant, geometry, flipped, weights, bias));
    const size_t input_bytes = size_t(ctx.input(0).shape.num_elements());
    flipped_input_bytes_ = ctx.input_flipped(0) ? 0 : input_bytes;
    flipped_output_bytes_ =
        uint8_output || ctx.output_flipped(0) ? 0 : size_t(ctx.output(0).shape.num_elements());
    driver_scratch_offset_ = (flipped_input_bytes_ + 63) & ~size_t{63};
    size_t scratch_bytes = driver_scratch_offset_ + recording.scratch_bytes();
    if (driver_.pixel_sums_wanted()) {
      // The input's pixel sums, formed by the flip (or a pass of their own
      // when stored flipped), after the driver's scratch.
      pixel_sums_wanted_ = true;
      pixel_bytes_ = size_t(geometry.input_c);
      pixel_count_ = input_bytes / pixel_bytes_;
      pixel_sums_offset_ = (scratch_bytes + 63) & ~size_t{63};
      scratch_bytes = pixel_sums_offset_ + pixel_count_ * sizeof(int32_t);
    }
    ctx.request_scratch(scratch_bytes);
    return Status::Ok();
  }
  Status prepare_reference_flips(PrepareContext& ctx) {
    LOWBIT_RETURN_IF_ERROR(prepare_int4_weights(ctx));
    if (ctx.input_flipped(0)) {
      flipped_input_bytes_ = size_t(ctx.input(0).shape.num_elements());
      ctx.request_scratch(flipped_input_bytes_);
    }
    if (ctx.output_flipped(0)) {
      flipped_output_bytes_ = size_t(ctx.output(0).shape.num_elements());
    }
    return Status::Ok();
  }

  // KH * KW of a 4-D filter (1 for FULLY_CONNECTED's 2-D weights).
  static size_t filter_taps(const PrepareContext& ctx) {
    const Shape& w = ctx.input(1).shape;
    return w.rank == 4 ? size_t(w[1]) * w[2] : 1;
  }

  const Options options_;
  Params p_;
  bool has_bias_ = false;
  size_t reference_rows_ = 0;
  uint64_t macs_ = 0;
  bool use_driver_ = false;
  // The reference kernel's int4 weights as int8 in persistent memory
  // (prepare_int4_weights), else nullptr.
  const int8_t* unpacked_int4_weights_ = nullptr;
  // Legacy uint8: bytes flipped before (into scratch) and after (in place)
  // the kernel runs, and where the driver's scratch starts after the
  // flipped input.
  size_t flipped_input_bytes_ = 0;
  size_t flipped_output_bytes_ = 0;
  size_t driver_scratch_offset_ = 0;
  // Whether the driver takes the input's pixel sums (pixel_count_ pixels of
  // pixel_bytes_), and where they are in scratch.
  bool pixel_sums_wanted_ = false;
  size_t pixel_sums_offset_ = 0;
  size_t pixel_count_ = 0;
  size_t pixel_bytes_ = 1;
  // uint8_range()'s result once known.
  bool uint8_range_known_ = false;
  Uint8WeightRange uint8_range_;

 private:
  WeightedKernel<Params, Qs8Fn, Qu8Fn> kernel_;
  Driver driver_;
};

// create() of the weighted operators: the float kernel for float32 input,
// Int16 (the 16x8 kernel, ops/conv2d_qs16.h) for int16 input, else Quantized
// (a WeightedOpKernel); both take the operator's options.
template <typename Quantized, typename Int16>
Result<std::unique_ptr<OpKernel>> create_weighted_kernel(const GraphDesc& graph,
                                                         const OperatorDesc& op) {
  const DType dtype = graph.tensors[op.inputs[0]].dtype;
  if (dtype == DType::kFloat32) return create_float_kernel(graph, op);
  const typename Quantized::OptionsKind* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  if (dtype == DType::kInt16) return std::unique_ptr<OpKernel>(new Int16(*opt));
  return std::unique_ptr<OpKernel>(new Quantized(*opt));
}

}  // namespace lowbit
