// Shared by the weighted quantized operators (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED): operand validation, per-channel requantizers, activation
// range, accumulator-overflow guard and kernel choice. run_rows() serves the
// pools and MEAN as well.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"
#include "ops/op_kernel.h"

namespace lowbit {

// Operands are [input, weights, bias?] -> [output].
struct WeightedOperands {
  int weights_channel_axis;  // the weights' output-channel dimension
  int32_t output_channels;
};

// Checks dtypes (all float32, all int8 or all uint8 with int32 bias),
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

// One requantizer per output channel in persistent memory. Legacy uint8
// operators always take the per-tensor rule: TFLite forms their multiplier in
// GetQuantizedConvolutionMultipler, in·w in float (conv and depthwise too).
const ref::Requantizer* make_channel_requantizers(PrepareContext& ctx, MultiplierRule rule,
                                                  int32_t output_channels);

struct QuantizedOutput {
  int32_t input_zero_point = 0;
  int32_t filter_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t act_min = 0, act_max = 0;
};
QuantizedOutput quantized_output(const PrepareContext& ctx, Activation activation);

// Where the taps of one output channel sit in the weights buffer.
struct WeightsLayout {
  size_t channel_stride;
  size_t tap_stride;
  size_t taps;
};

// Fails with kUnsupported when some output channel's int32 accumulator could
// overflow for some input (the kernels accumulate in int32 like TFLite's).
Status check_accumulator_range(const PrepareContext& ctx, const WeightsLayout& layout,
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

  // Operands [input, weights, bias?] -> [output], `rows` rows split over the pool.
  void run(const Params& p, const RunContext& ctx, bool has_bias, size_t rows) const {
    const int32_t* bias = has_bias ? ctx.input_as<int32_t>(2) : nullptr;
    if (qu8_) {
      const auto* input = ctx.input_as<uint8_t>(0);
      const auto* weights = ctx.input_as<uint8_t>(1);
      auto* output = ctx.output_as<uint8_t>(0);
      run_rows(ctx.pool(), rows, [&](size_t begin, size_t end) {
        qu8_(p, input, weights, bias, output, begin, end);
      });
    } else {
      const auto* input = ctx.input_as<int8_t>(0);
      const auto* weights = ctx.input_as<int8_t>(1);
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
