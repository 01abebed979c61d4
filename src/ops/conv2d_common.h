// Shared by the weighted quantized operators (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED): operand validation, window geometry, per-channel
// requantizers, activation range, accumulator-overflow guard and kernel
// choice (their kernel class is in ops/weighted_op_kernel.h). run_rows()
// serves the pools and MEAN as well.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"  // Qs8ConvGeometry, Qs8ConvQuantization
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {

// Operands are [input, weights, bias?] -> [output].
struct WeightedOperands {
  int weights_channel_axis;  // the weights' output-channel dimension
  int32_t output_channels;
};

// Checks dtypes (all float32, all int8 or all uint8 with int32 bias, or
// 16x8: int16 activations with zero point 0, int8 weights, int64 or int32 bias),
// quantization (per-tensor activations; int8 weights per-tensor or per-axis
// along weights_channel_axis with zero point 0; uint8 weights per-tensor),
// constant weights and bias, and the bias length.
Status validate_weighted_operands(const GraphDesc& graph, const OperatorDesc& op,
                                  const WeightedOperands& operands);

// How TFLite forms the real multiplier in·w[c]/out (NUMERICS section 3).
enum class MultiplierRule {
  kDouble,               // conv, depthwise, per-channel FC
  kFloatProductPerTensor  // per-tensor FC: in·w in float, then / out in double
};

// One requantizer per output channel in persistent memory, or in the model
// when its prepared data holds them for this profile and rule (and every
// shift is in [-31, 30], the range quantize_multiplier gives real layers).
// Legacy uint8 operators always take the per-tensor rule: TFLite forms their
// multiplier in GetQuantizedConvolutionMultipler, in·w in float (conv and
// depthwise too).
// The real multiplier in·w[channel]/out formed as `rule` says.
double channel_real_multiplier(const PrepareContext& ctx, MultiplierRule rule, int32_t channel);

const ref::Requantizer* make_channel_requantizers(PrepareContext& ctx, MultiplierRule rule,
                                                  int32_t output_channels);

// Sets the zero points, the activation's clamp range and the profile, which
// every weighted reference kernel's Params has under these names.
template <typename Params>
void set_output_quantization(const PrepareContext& ctx, Activation activation, Params* p) {
  const TensorDesc& out = ctx.output(0);
  p->input_zero_point = ctx.input(0).quant.zero_points[0];
  p->filter_zero_point =
      ctx.input(1).dtype == DType::kUInt8 ? ctx.input(1).quant.zero_points[0] : 0;
  p->output_zero_point = out.quant.zero_points[0];
  quantized_activation_range(activation, out.quant.scales[0], p->output_zero_point, out.dtype,
                             &p->act_min, &p->act_max);
  p->profile = ctx.profile();
}

// Output size and padding of the sliding window of CONV_2D and
// DEPTHWISE_CONV_2D: a filter[1] x filter[2] kernel over NHWC input `in`.
struct Window2D {
  PaddedDim h, w;
};
template <typename Options>
Status compute_filter_window(const Shape& in, const Shape& filter, const Options& opt,
                             Window2D* window) {
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in[1], filter[1], opt.stride_h, opt.dilation_h,
                                            opt.padding, "height", &window->h));
  return compute_padded_dim(in[2], filter[2], opt.stride_w, opt.dilation_w, opt.padding, "width",
                            &window->w);
}

// validate() of CONV_2D and DEPTHWISE_CONV_2D: [input NHWC, filter 4-D,
// bias?] -> NHWC output with the filter's dimension `channel_axis` as its
// channels. compute_window(graph, op, options, &window) adds the operator's
// own shape checks.
template <typename Options, typename ComputeWindow>
Status validate_filter_operator(const GraphDesc& graph, const OperatorDesc& op, int channel_axis,
                                ComputeWindow compute_window, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 3, 1));
  const Options* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 4));
  const int32_t output_channels = graph.tensors[op.inputs[1]].shape[channel_axis];
  LOWBIT_RETURN_IF_ERROR(validate_weighted_operands(graph, op, {channel_axis, output_channels}));
  Window2D window;
  LOWBIT_RETURN_IF_ERROR(compute_window(graph, op, *opt, &window));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  output_shapes[0] = Shape{in[0], window.h.out, window.w.out, output_channels};
  return Status::Ok();
}

// The drivers' geometry of a CONV_2D or DEPTHWISE_CONV_2D layer.
template <typename Options>
Qs8ConvGeometry filter_geometry(const Shape& in, const Shape& filter, const Window2D& window,
                                const Options& opt, int32_t output_channels) {
  return Qs8ConvGeometry{in[0],           in[1],           in[2],
                         in[3],           window.h.out,    window.w.out,
                         output_channels, filter[1],       filter[2],
                         opt.stride_h,    opt.stride_w,    opt.dilation_h,
                         opt.dilation_w,  window.h.pad_before, window.w.pad_before};
}

// Copies the geometry into a reference kernel's Params (ref::ConvQuantParams
// and ref::DepthwiseQuantParams share these names; the output channels they
// describe each in their own way).
template <typename Params>
void set_window_params(const Qs8ConvGeometry& g, Params* p) {
  p->batch = g.batch;
  p->input_h = g.input_h;
  p->input_w = g.input_w;
  p->input_c = g.input_c;
  p->output_h = g.output_h;
  p->output_w = g.output_w;
  p->kernel_h = g.kernel_h;
  p->kernel_w = g.kernel_w;
  p->stride_h = g.stride_h;
  p->stride_w = g.stride_w;
  p->dilation_h = g.dilation_h;
  p->dilation_w = g.dilation_w;
  p->pad_top = g.pad_top;
  p->pad_left = g.pad_left;
}

// The drivers' view of a prepared reference kernel's quantization.
template <typename Params>
Qs8ConvQuantization driver_quantization(const Params& p) {
  return Qs8ConvQuantization{p.input_zero_point, p.output_zero_point, p.act_min, p.act_max,
                             p.profile, p.requantizers};
}

// Where the taps of one output channel sit in the weights buffer.
struct WeightsLayout {
  size_t channel_stride;
  size_t tap_stride;
  size_t taps;
};

// Fails with kUnsupported when some output channel's int32 accumulator could
// overflow for some input (the kernels accumulate in int32 like TFLite's).
// A model whose prepared data records the check as passed (the converter
// ran it) is not checked again: that pass visits every weight.
Status check_accumulator_range(PrepareContext& ctx, const WeightsLayout& layout,
                               int32_t output_channels);

// Runs fn(row_begin, row_end) over [0, rows) on the pool, one row per task:
// every row is computed the same way whatever the thread count.
template <typename Fn>
void run_rows(ThreadPool& pool, size_t rows, const Fn& fn) {
  if (rows == 0) return;
  pool.parallel_for(rows, [&fn](size_t row) { fn(row, row + 1); });
}

// The int8 (qs8) or uint8 (qu8) variant of one weighted kernel family, picked
// once in prepare(); both families share the Params struct and take
// (params, input, weights, bias, output, row_begin, row_end).
template <typename Params, typename Qs8Fn, typename Qu8Fn>
class WeightedKernel {
 public:
  void select(const KernelSelector& selector, DType dtype, const KernelFamily<Qs8Fn>& qs8_variants,
              const KernelFamily<Qu8Fn>& qu8_variants) {
    if (dtype == DType::kUInt8) {
      const auto& v = selector.select(qu8_variants);
      qu8_ = v.fn;
      name_ = v.name;
    } else {
      const auto& v = selector.select(qs8_variants);
      qs8_ = v.fn;
      name_ = v.name;
    }
  }

  // Operands [input, weights, bias?] -> [output], `rows` rows split over the
  // pool; the input's bytes read from `input_data` (ctx.input(0) or a copy),
  // int8 weights from `int8_weights` when given (int4 weights unpacked at
  // prepare), else from ctx.input(1).
  void run(const Params& p, const RunContext& ctx, bool has_bias, size_t rows,
           const void* input_data, const int8_t* int8_weights) const {
    const int32_t* bias = has_bias ? ctx.input_as<int32_t>(2) : nullptr;
    if (qu8_) {
      const auto* input = static_cast<const uint8_t*>(input_data);
      const auto* weights = ctx.input_as<uint8_t>(1);
      auto* output = ctx.output_as<uint8_t>(0);
      run_rows(ctx.pool(), rows, [&](size_t begin, size_t end) {
        qu8_(p, input, weights, bias, output, begin, end);
      });
    } else {
      const auto* input = static_cast<const int8_t*>(input_data);
      const int8_t* weights = int8_weights ? int8_weights : ctx.input_as<int8_t>(1);
      auto* output = ctx.output_as<int8_t>(0);
      run_rows(ctx.pool(), rows, [&](size_t begin, size_t end) {
        qs8_(p, input, weights, bias, output, begin, end);
      });
    }
  }

  const char* name() const { return name_; }

 private:
  Qs8Fn qs8_ = nullptr;
  Qu8Fn qu8_ = nullptr;
  const char* name_ = "";
};

}  // namespace lowbit
