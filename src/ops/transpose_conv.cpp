// TRANSPOSE_CONV: [input NHWC, weights OHWI, bias?, output_shape?] -> NHWC
// output of options.output_height x output_width (TFLite's output_shape
// operand, which the converter moves into the options when it is constant).
// A computed output_shape (the seanet models feed it as a graph input) stays
// the fourth operand, validated as int32 [4] but never read: the output keeps
// the shape the model declares, as in TFLite Micro, whose TRANSPOSE_CONV plans
// from the declared output and ignores the values fed. The padding is the
// one a CONV_2D from that output back to the input would have, so the input
// size must be that convolution's output size.
//
// int8 (per-channel weights) and uint8 (per-tensor) run as an int32 GEMM of
// the input pixels against repacked weights, then a gather of the columns into
// each output value with bias and requantization (kernels/reference/
// transpose_conv.h); both are kernel families of their own
// (kernels/transpose_conv.h; the op's kernel name is the GEMM's), since the
// int8 GEMM microkernels only produce
// requantized int8. float32 runs the reference kernel in
// TFLite's summation order.
#include <memory>
#include <string>

#include "kernels/transpose_conv.h"
#include "ops/conv2d_common.h"
#include "ops/conv2d_qs16.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// The padding of each spatial dimension, checking that the input is what a
// convolution of the output with the same kernel, stride and padding gives.
Status compute_padding(const Shape& in, const Shape& weights, const TransposeConvOptions& opt,
                       PaddedDim* h, PaddedDim* w) {
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(opt.output_height, weights[1], opt.stride_h, 1,
                                            opt.padding, "output height", h));
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(opt.output_width, weights[2], opt.stride_w, 1,
                                            opt.padding, "output width", w));
  if (h->out != in[1] || w->out != in[2]) {
    return invalid("input " + std::to_string(in[1]) + "x" + std::to_string(in[2]) +
                   " does not match output " + std::to_string(opt.output_height) + "x" +
                   std::to_string(opt.output_width) + " with a " + std::to_string(weights[1]) +
                   "x" + std::to_string(weights[2]) + " kernel, stride " +
                   std::to_string(opt.stride_h) + "x" + std::to_string(opt.stride_w) + " and " +
                   padding_name(opt.padding) + " padding (expected input " +
                   std::to_string(h->out) + "x" + std::to_string(w->out) + ")");
  }
  return Status::Ok();
}

constexpr size_t kOutputShapeInput = 3;

// The optional output_shape operand: int32 [4], equal to the output's shape
// when it is a constant.
Status validate_output_shape(const GraphDesc& graph, const OperatorDesc& op, const Shape& out) {
  if (op.inputs.size() <= kOutputShapeInput || op.inputs[kOutputShapeInput] == kAbsentInput) {
    return Status::Ok();
  }
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, kOutputShapeInput, {DType::kInt32}));
  const TensorDesc& t = graph.tensors[op.inputs[kOutputShapeInput]];
  if (t.shape != Shape{4}) {
    return invalid(describe_input(graph, op, kOutputShapeInput) + " has shape " +
                   t.shape.to_string() + "; output_shape must be [4]");
  }
  if (t.data == nullptr) return Status::Ok();
  const auto* values = static_cast<const int32_t*>(t.data);
  for (int d = 0; d < 4; ++d) {
    if (values[d] != out[d]) {
      return invalid(describe_input(graph, op, kOutputShapeInput) +
                     " holds a shape other than the output's " + out.to_string());
    }
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 4, 1));
  const TransposeConvOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  if (opt->stride_h < 1 || opt->stride_w < 1) {
    return invalid("stride " + std::to_string(opt->stride_h) + "x" +
                   std::to_string(opt->stride_w) + " must be positive");
  }
  if (opt->output_height < 1 || opt->output_width < 1) {
    return invalid("output size " + std::to_string(opt->output_height) + "x" +
                   std::to_string(opt->output_width) + " must be positive");
  }
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 4));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 0));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 1));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  const Shape& weights = graph.tensors[op.inputs[1]].shape;
  LOWBIT_RETURN_IF_ERROR(validate_weighted_operands(graph, op, {0, weights[0]}));
  if (in[3] != weights[3]) {
    return invalid(describe_input(graph, op, 0) + " has " + std::to_string(in[3]) +
                   " channels but " + describe_input(graph, op, 1) + " expects " +
                   std::to_string(weights[3]));
  }
  PaddedDim h, w;
  LOWBIT_RETURN_IF_ERROR(compute_padding(in, weights, *opt, &h, &w));
  output_shapes[0] = Shape{in[0], opt->output_height, opt->output_width, weights[0]};
  return validate_output_shape(graph, op, output_shapes[0]);
}

class TransposeConvKernel : public OpKernel {
 public:
  explicit TransposeConvKernel(const TransposeConvOptions& options) : options_(options) {}

  Status prepare(PrepareContext& ctx) override {
    const Shape& in = ctx.input(0).shape;
    const Shape& weights = ctx.input(1).shape;
    PaddedDim h, w;
    LOWBIT_RETURN_IF_ERROR(compute_padding(in, weights, options_, &h, &w));
    p_.batch = in[0], p_.input_h = in[1], p_.input_w = in[2], p_.input_c = in[3];
    p_.output_h = options_.output_height, p_.output_w = options_.output_width;
    p_.output_c = weights[0], p_.kernel_h = weights[1], p_.kernel_w = weights[2];
    p_.stride_h = options_.stride_h, p_.stride_w = options_.stride_w;
    p_.pad_top = h.pad_before, p_.pad_left = w.pad_before;
    has_bias_ = ctx.has_input(2);
    dtype_ = ctx.input(0).dtype;
    if (dtype_ == DType::kInt16) {
      ref::Qs16TransposeConvParams q;
      static_cast<ref::ConvWindowParams&>(q) = p_;
      q.output_c = p_.output_c;
      LOWBIT_RETURN_IF_ERROR(qs16_.prepare(ctx, q, options_.activation));
      name_ = qs16_.name();
      macs_ = uint64_t(p_.batch) * p_.input_h * p_.input_w * p_.kernel_h * p_.kernel_w *
              p_.input_c * p_.output_c;
      return Status::Ok();
    }
    if (dtype_ == DType::kFloat32) {
      name_ = "f32_transpose_conv__reference";
    } else if (dtype_ == DType::kUInt8) {
      const auto& gemm = ctx.selector().select(qu8_transpose_conv_gemm_variants());
      qu8_gemm_ = gemm.fn, name_ = gemm.name;
      qu8_output_ = ctx.selector().select(qu8_transpose_conv_output_variants()).fn;
    } else {
      const auto& gemm = ctx.selector().select(qs8_transpose_conv_gemm_variants());
      qs8_gemm_ = gemm.fn, name_ = gemm.name;
      qs8_output_ = ctx.selector().select(qs8_transpose_conv_output_variants()).fn;
    }
    const size_t taps = size_t(p_.kernel_h) * p_.kernel_w * p_.input_c;
    macs_ = uint64_t(p_.batch) * p_.input_h * p_.input_w * taps * p_.output_c;
    if (dtype_ == DType::kFloat32) {
      float_activation_range(options_.activation, &p_.float_min, &p_.float_max);
      return Status::Ok();
    }
    // Each output sums a subset of its channel's weights, so the CONV_2D bound
    // over all of them covers it.
    LOWBIT_RETURN_IF_ERROR(check_accumulator_range(ctx, {taps, 1, taps}, p_.output_c));
    set_output_quantization(ctx, options_.activation, &p_);
    p_.requantizers = make_channel_requantizers(ctx, MultiplierRule::kDouble, p_.output_c);
    const size_t packed_bytes = sizeof(int16_t) * p_.packed_size();
    if (ctx.sizing_only()) {
      ctx.reserve_persistent(packed_bytes);
    } else {
      packed_ = static_cast<int16_t*>(ctx.allocate_persistent(packed_bytes));
      if (packed_ == nullptr) {
        return Status(StatusCode::kResourceExhausted, "cannot allocate packed weights");
      }
      if (dtype_ == DType::kUInt8) {
        ref::pack_transpose_conv_weights(p_, static_cast<const uint8_t*>(ctx.input(1).data), packed_);
      } else {
        ref::pack_transpose_conv_weights(p_, static_cast<const int8_t*>(ctx.input(1).data), packed_);
      }
    }
    ctx.request_scratch(sizeof(int32_t) * input_rows() * size_t(p_.input_w) * p_.columns());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    if (dtype_ == DType::kInt16) {
      qs16_.run(ctx);
      return Status::Ok();
    }
    const size_t output_rows = size_t(p_.batch) * p_.output_h;
    if (dtype_ == DType::kFloat32) {
      const float* bias = has_bias_ ? ctx.input_as<float>(2) : nullptr;
      run_rows(ctx.pool(), output_rows, [&](size_t begin, size_t end) {
        ref::f32_transpose_conv__reference(p_, ctx.input_as<float>(0), ctx.input_as<float>(1),
                                           bias, ctx.output_as<float>(0), begin, end);
      });
      return Status::Ok();
    }
    const int32_t* bias = has_bias_ ? ctx.input_as<int32_t>(2) : nullptr;
    auto* columns = static_cast<int32_t*>(ctx.scratch());
    if (dtype_ == DType::kUInt8) {
      run_quantized(ctx, qu8_gemm_, qu8_output_, bias, columns, output_rows);
    } else {
      run_quantized(ctx, qs8_gemm_, qs8_output_, bias, columns, output_rows);
    }
    return Status::Ok();
  }

  const char* name() const override { return name_; }
  uint64_t macs() const override { return macs_; }

 private:
  size_t input_rows() const { return size_t(p_.batch) * p_.input_h; }

  // Both phases split rows over the pool; each row's values are written by
  // one task only, so any thread count gives the same bytes.
  template <typename T>
  void run_quantized(const RunContext& ctx,
                     void (*gemm)(const ref::TransposeConvParams&, const T*, const int16_t*,
                                  int32_t*, size_t, size_t),
                     void (*output)(const ref::TransposeConvParams&, const int32_t*,
                                    const int32_t*, T*, size_t, size_t),
                     const int32_t* bias, int32_t* columns, size_t output_rows) const {
    run_rows(ctx.pool(), input_rows(), [&](size_t begin, size_t end) {
      gemm(p_, ctx.input_as<T>(0), packed_, columns, begin, end);
    });
    run_rows(ctx.pool(), output_rows, [&](size_t begin, size_t end) {
      output(p_, columns, bias, ctx.output_as<T>(0), begin, end);
    });
  }

  const TransposeConvOptions options_;
  ref::TransposeConvParams p_;
  Qs16TransposeConvKernel qs16_;
  DType dtype_ = DType::kInt8;
  const char* name_ = "";
  bool has_bias_ = false;
  int16_t* packed_ = nullptr;
  ref::Qs8TransposeConvGemmFn qs8_gemm_ = nullptr;
  ref::Qu8TransposeConvGemmFn qu8_gemm_ = nullptr;
  ref::Qs8TransposeConvOutputFn qs8_output_ = nullptr;
  ref::Qu8TransposeConvOutputFn qu8_output_ = nullptr;
  uint64_t macs_ = 0;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc& op) {
  const TransposeConvOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  return std::unique_ptr<OpKernel>(new TransposeConvKernel(*opt));
}

}  // namespace

LOWBIT_REGISTER_OP(TransposeConv, validate, create)

}  // namespace lowbit
