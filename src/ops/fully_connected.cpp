// FULLY_CONNECTED: [input (any rank, read as [batch, K]), weights [OC, K],
// bias?] -> [batch, OC], or the input's shape with the last dim OC when
// keep_num_dims is set.
#include <memory>
#include <string>

#include "kernels/qs8_conv.h"
#include "ops/conv2d_common.h"
#include "ops/conv2d_qs16.h"
#include "ops/weighted_op_kernel.h"
#include "ops/op_util.h"
#include "ops/drivers/qs8_gemm_conv_driver.h"
#include "ops/drivers/qs8w4_fc_driver.h"

namespace lowbit {
namespace {

// batch rows of length K.
Status compute_batch(const GraphDesc& graph, const OperatorDesc& op, int32_t* batch) {
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 1));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const Shape& weights = graph.tensors[op.inputs[1]].shape;
  if (in.rank < 1) return invalid(describe_input(graph, op, 0) + " must have rank >= 1");
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 0));
  const int64_t elements = in.num_elements();
  if (elements % weights[1] != 0) {
    return invalid(describe_input(graph, op, 0) + " has " + std::to_string(elements) +
                   " elements, not a multiple of K = " + std::to_string(weights[1]) + " from " +
                   describe_input(graph, op, 1));
  }
  if (elements / weights[1] > INT32_MAX) return invalid(describe_input(graph, op, 0) + " is too large");
  *batch = static_cast<int32_t>(elements / weights[1]);
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 3, 1));
  const FullyConnectedOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 2));
  const Shape& weights = graph.tensors[op.inputs[1]].shape;
  LOWBIT_RETURN_IF_ERROR(validate_weighted_operands(graph, op, {0, weights[0]}));
  int32_t batch = 0;
  LOWBIT_RETURN_IF_ERROR(compute_batch(graph, op, &batch));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  if (opt->keep_num_dims) {
    if (in[in.rank - 1] != weights[1]) {
      return invalid("keep_num_dims needs the last dimension of " + describe_input(graph, op, 0) +
                     " (shape " + in.to_string() + ") to equal K = " + std::to_string(weights[1]));
    }
    output_shapes[0] = in;
    output_shapes[0][in.rank - 1] = weights[0];
  } else {
    output_shapes[0] = Shape{batch, weights[0]};
  }
  return Status::Ok();
}

// Profile tflite_reference follows LiteRT's reference FULLY_CONNECTED, which
// rescales in double (docs/conformance.md, fc-double-rescale).
const double* make_double_scales(PrepareContext& ctx, int32_t output_depth) {
  auto* scales =
      static_cast<double*>(ctx.allocate_persistent(sizeof(double) * size_t(output_depth)));
  if (!scales) return nullptr;
  const std::vector<float>& weight_scales = ctx.input(1).quant.scales;
  for (int32_t c = 0; c < output_depth; ++c) {
    const float weight_scale = weight_scales.size() > 1 ? weight_scales[c] : weight_scales[0];
    scales[c] = ref::fully_connected_double_scale(ctx.input(0).quant.scales[0], weight_scale,
                                                  ctx.output(0).quant.scales[0]);
  }
  return scales;
}

class QuantizedFullyConnected
    : public WeightedOpKernel<FullyConnectedOptions, ref::FullyConnectedQuantParams,
                              ref::Qs8FullyConnectedFn, ref::Qu8FullyConnectedFn,
                              Qs8GemmConvDriver> {
 public:
  using WeightedOpKernel::WeightedOpKernel;

  Status run(const RunContext& ctx) override {
    if (!use_int4_driver_) return WeightedOpKernel::run(ctx);
    int4_driver_.run(ctx.pool(), ctx.input_as<int8_t>(0), ctx.output_as<int8_t>(0));
    return Status::Ok();
  }
  const char* name() const override {
    return use_int4_driver_ ? int4_driver_.name() : WeightedOpKernel::name();
  }

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(compute_batch(ctx.graph(), ctx.op(), &p_.batch));
    const Shape& weights = ctx.input(1).shape;
    p_.output_depth = weights[0];
    p_.input_depth = weights[1];
    const size_t k = size_t(p_.input_depth);
    LOWBIT_RETURN_IF_ERROR(check_accumulator_range(ctx, {k, 1, k}, p_.output_depth));

    set_output_quantization(ctx, options_.activation, &p_);
    const MultiplierRule rule = ctx.input(1).quant.per_axis()
                                    ? MultiplierRule::kDouble
                                    : MultiplierRule::kFloatProductPerTensor;
    p_.requantizers = make_channel_requantizers(ctx, rule, p_.output_depth);
    if (p_.profile == RequantProfile::kTfliteReference) {
      p_.double_scales = make_double_scales(ctx, p_.output_depth);
      if (!p_.double_scales) return invalid("FULLY_CONNECTED: out of memory for rescale factors");
    }
    select_reference(ctx, qs8_fully_connected_variants(), qu8_fully_connected_variants());
    reference_rows_ = size_t(p_.batch);
    macs_ = uint64_t(p_.batch) * p_.output_depth * k;

    if (ctx.input(1).dtype == DType::kInt4) {
      bool taken = false;
      LOWBIT_RETURN_IF_ERROR(prepare_int4_native_gemm(ctx, &taken));
      if (taken) return Status::Ok();
    }
    // A SIMD GEMM, when the CPU and kernel set allow one, replaces the
    // reference, for legacy uint8 too (driver_applies).
    const auto& gemm = ctx.selector().select(qs8_gemm_variants());
    use_driver_ = driver_applies(ctx, gemm);
    if (!use_driver_) return prepare_reference_flips(ctx);
    Qs8ConvGeometry g;
    g.batch = p_.batch;
    g.input_c = p_.input_depth;
    g.output_c = p_.output_depth;
    Qs8ConvQuantization quantization;
    LOWBIT_RETURN_IF_ERROR(simd_quantization(ctx, &quantization, &use_driver_));
    return prepare_driver_if_used(ctx, gemm, g, quantization);
  }

 private:
  // The SIMD kernels' view of the layer's rescale. Under tflite_reference
  // FULLY_CONNECTED rescales in double, which the GEMM epilogues do not: they
  // take single-rounding pairs proven equal to it (*usable false when there
  // are none: the reference kernel runs instead).
  Status simd_quantization(PrepareContext& ctx, Qs8ConvQuantization* quantization,
                           bool* usable) {
    *quantization = driver_quantization(p_);
    *usable = true;
    if (!p_.double_scales) return Status::Ok();
    auto* equivalents = static_cast<ref::Requantizer*>(
        ctx.allocate_persistent(sizeof(ref::Requantizer) * size_t(p_.output_depth)));
    if (!equivalents) return invalid("FULLY_CONNECTED: out of memory for requantizers");
    *usable = ref::fully_connected_single_rounding_equivalents(p_, equivalents);
    quantization->profile = RequantProfile::kSingleRounding;
    quantization->requantizers = equivalents;
    return Status::Ok();
  }

  // int4 weights through the W4A8 GEMM (kernels/qs8w4_gemm.h), which reads
  // them as nibbles: half the weight bytes of the int8 GEMM, the same output
  // bytes. The reference kernel set, and layers whose rescale the SIMD
  // epilogues cannot reproduce, take the int8 paths on weights unpacked at
  // prepare instead (*taken false).
  Status prepare_int4_native_gemm(PrepareContext& ctx, bool* taken) {
    *taken = false;
    const KernelVariant<Qs8w4GemmKernel>& variant = ctx.selector().select(qs8w4_gemm_variants());
    if (variant.fn.portable || !ref::simd_kernels_support(p_.profile)) return Status::Ok();
    Qs8ConvQuantization quantization;
    bool usable = false;
    LOWBIT_RETURN_IF_ERROR(simd_quantization(ctx, &quantization, &usable));
    if (!usable) return Status::Ok();
    const auto* bias = has_bias_ ? static_cast<const int32_t*>(ctx.input(2).data) : nullptr;
    LOWBIT_RETURN_IF_ERROR(int4_driver_.prepare(
        ctx, variant, size_t(p_.batch), size_t(p_.output_depth), size_t(p_.input_depth),
        quantization, static_cast<const uint8_t*>(ctx.input(1).data), bias));
    use_int4_driver_ = true;
    *taken = true;
    return Status::Ok();
  }

  Qs8w4FullyConnectedDriver int4_driver_;
  bool use_int4_driver_ = false;
};

// 16x8: a 1x1 convolution over `batch` one-pixel images of K channels.
class Qs16FullyConnected : public Qs16GemmConvKernel {
 public:
  explicit Qs16FullyConnected(const FullyConnectedOptions& options) : options_(options) {}

  Status prepare(PrepareContext& ctx) override {
    Qs8ConvGeometry g;
    LOWBIT_RETURN_IF_ERROR(compute_batch(ctx.graph(), ctx.op(), &g.batch));
    g.input_c = ctx.input(1).shape[1];
    g.output_c = ctx.input(1).shape[0];
    const MultiplierRule rule = ctx.input(1).quant.per_axis()
                                    ? MultiplierRule::kDouble
                                    : MultiplierRule::kFloatProductPerTensor;
    // LiteRT's reference FULLY_CONNECTED rescales 16x8 sums in double too
    // (docs/conformance.md); its optimized kernel runs that same code for int16.
    return prepare_layer(ctx, g, 1, options_.activation, rule, true);
  }

 private:
  const FullyConnectedOptions options_;
};

}  // namespace

LOWBIT_REGISTER_OP(FullyConnected, validate,
                   (create_weighted_kernel<QuantizedFullyConnected, Qs16FullyConnected>))

}  // namespace lowbit
