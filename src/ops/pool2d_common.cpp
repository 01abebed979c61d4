#include "ops/pool2d_common.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ops/conv2d_common.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status check_same_quantization(const GraphDesc& graph, const OperatorDesc& op) {
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  const float in_scale = in.quant.scales[0];
  const float out_scale = out.quant.scales[0];
  // TFLite tolerates float noise in the scales but not a different zero point.
  if (std::fabs(in_scale - out_scale) > 1e-6f * std::fmax(in_scale, out_scale) ||
      in.quant.zero_points[0] != out.quant.zero_points[0]) {
    return invalid(describe_output(graph, op, 0) + " (scale " + std::to_string(out_scale) +
                   ", zero point " + std::to_string(out.quant.zero_points[0]) +
                   ") must share the quantization of " + describe_input(graph, op, 0) +
                   " (scale " + std::to_string(in_scale) + ", zero point " +
                   std::to_string(in.quant.zero_points[0]) + ")");
  }
  return Status::Ok();
}

class QuantizedPool2D : public OpKernel {
 public:
  QuantizedPool2D(const Pool2DOptions& options, const Pool2DVariants& variants)
      : options_(options), variants_(variants) {}

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(check_nonempty(ctx.graph(), ctx.op(), 0));
    LOWBIT_RETURN_IF_ERROR(pool_params(ctx.input(0).shape, options_, &p_));
    const TensorDesc& out = ctx.output(0);
    quantized_activation_range(options_.activation, out.quant.scales[0],
                               out.quant.zero_points[0], out.dtype, &p_.act_min, &p_.act_max);
    is_uint8_ = ctx.input(0).dtype == DType::kUInt8;
    if (is_uint8_) {
      const auto& v = ctx.selector().select(variants_.qu8);
      qu8_ = v.fn;
      name_ = v.name;
    } else {
      const auto& v = ctx.selector().select(variants_.qs8);
      qs8_ = v.fn;
      name_ = v.name;
    }
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const size_t rows = size_t(p_.batch) * p_.output_h;
    if (is_uint8_) {
      const auto* input = ctx.input_as<uint8_t>(0);
      auto* output = ctx.output_as<uint8_t>(0);
      run_rows(ctx.pool(), rows,
               [&](size_t begin, size_t end) { qu8_(p_, input, output, begin, end); });
    } else {
      const auto* input = ctx.input_as<int8_t>(0);
      auto* output = ctx.output_as<int8_t>(0);
      run_rows(ctx.pool(), rows,
               [&](size_t begin, size_t end) { qs8_(p_, input, output, begin, end); });
    }
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  Pool2DOptions options_;
  Pool2DVariants variants_;
  ref::PoolParams p_;
  bool is_uint8_ = false;
  ref::Qs8Pool2dFn qs8_ = nullptr;
  ref::Qu8Pool2dFn qu8_ = nullptr;
  const char* name_ = "";
};

}  // namespace

Status pool_params(const Shape& in, const Pool2DOptions& options, ref::PoolParams* p) {
  PaddedDim h, w;
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in[1], options.filter_h, options.stride_h, 1,
                                            options.padding, "height", &h));
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in[2], options.filter_w, options.stride_w, 1,
                                            options.padding, "width", &w));
  p->batch = in[0];
  p->input_h = in[1];
  p->input_w = in[2];
  p->channels = in[3];
  p->output_h = h.out;
  p->output_w = w.out;
  p->filter_h = options.filter_h;
  p->filter_w = options.filter_w;
  p->stride_h = options.stride_h;
  p->stride_w = options.stride_w;
  p->pad_top = h.pad_before;
  p->pad_left = w.pad_before;
  return Status::Ok();
}

Status validate_pool2d(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  const Pool2DOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  LOWBIT_RETURN_IF_ERROR(check_int8_or_float_in_out(graph, op));
  const DType dtype = graph.tensors[op.inputs[0]].dtype;
  if (dtype != DType::kFloat32) LOWBIT_RETURN_IF_ERROR(check_same_quantization(graph, op));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 0));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  ref::PoolParams p;
  LOWBIT_RETURN_IF_ERROR(pool_params(in, *opt, &p));
  // The average kernel sums a window in int32: 255 * 2^23 < 2^31.
  const int64_t window = int64_t(std::min<int32_t>(opt->filter_h, in[1])) *
                         std::min<int32_t>(opt->filter_w, in[2]);
  if (dtype != DType::kFloat32 && window > (int64_t{1} << 23)) {
    return Status(StatusCode::kUnsupported, "a pooling window of " + std::to_string(window) +
                                                " pixels could overflow the int32 sum");
  }
  output_shapes[0] = Shape{in[0], p.output_h, p.output_w, in[3]};
  return Status::Ok();
}

Result<std::unique_ptr<OpKernel>> create_pool2d(const GraphDesc& graph, const OperatorDesc& op,
                                                const Pool2DVariants& variants) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return create_float_kernel(graph, op);
  }
  const Pool2DOptions* opt = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &opt));
  return std::unique_ptr<OpKernel>(new QuantizedPool2D(*opt, variants));
}

}  // namespace lowbit
