// FULLY_CONNECTED through XNNPACK or lowbit's own kernels: the packed
// f32_igemm family (ops/float/f32_gemm_driver.h) where it has a SIMD row, else
// f32_gemm's reference (TFLite's order). The input is flattened to [batch, K].
#include <xnnpack.h>

#include "kernels/f32_float.h"
#include "kernels/f32_igemm.h"
#include "ops/float/f32_gemm_driver.h"
#include "ops/float/float_ops.h"
#include "ops/float/xnn_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

class FloatFullyConnectedKernel final : public XnnKernel {
 public:
  explicit FloatFullyConnectedKernel(const OperatorDesc& op)
      : XnnKernel(op, "f32_fully_connected__xnnpack") {}

  Status prepare(PrepareContext& ctx) override {
    const GraphDesc& graph = ctx.graph();
    const OperatorDesc& op = ctx.op();
    LOWBIT_RETURN_IF_ERROR(require_float_arity(ctx, 2, 3, {0, 1, 2}));
    LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 1, 2));
    FullyConnectedOptions options;
    LOWBIT_RETURN_IF_ERROR(options_or_default(op, &options));

    const Shape& in = ctx.input(0).shape;
    const int32_t out_channels = ctx.input(1).shape[0];
    const int32_t depth = ctx.input(1).shape[1];
    const int64_t in_elements = in.num_elements();
    if (in.rank < 1 || depth <= 0 || out_channels <= 0 || in_elements % depth != 0) {
      return invalid(describe_input(graph, op, 0) + " with shape " + in.to_string() +
                     " cannot be flattened into rows of the weights' depth " +
                     std::to_string(depth) + " (weights shape " +
                     ctx.input(1).shape.to_string() + ")");
    }
    batch_ = in_elements / depth;
    Shape expected;
    if (options.keep_num_dims) {
      if (in[in.rank - 1] != depth) {
        return invalid(describe_input(graph, op, 0) + " has innermost dimension " +
                       std::to_string(in[in.rank - 1]) + ", keep_num_dims needs " +
                       std::to_string(depth));
      }
      expected = in;
      expected[in.rank - 1] = out_channels;
    } else {
      expected = Shape{static_cast<int32_t>(batch_), out_channels};
    }
    LOWBIT_RETURN_IF_ERROR(require_output_shape(ctx, 0, expected));
    LOWBIT_RETURN_IF_ERROR(require_constant_floats(ctx, 1, int64_t(out_channels) * depth));
    const bool has_bias = ctx.has_input(2);
    if (has_bias) LOWBIT_RETURN_IF_ERROR(require_constant_floats(ctx, 2, out_channels));
    set_macs(uint64_t(batch_) * uint64_t(out_channels) * uint64_t(depth));
    float out_min, out_max;
    float_activation_range(options.activation, &out_min, &out_max);
    const size_t k = size_t(depth), n = size_t(out_channels);
    const KernelVariant<F32IgemmKernel>& packed = ctx.selector().select(f32_igemm_variants());
    F32IgemmKernel unused{};
    if (!packed.fn.portable && select_own(ctx, f32_igemm_variants(), &unused)) {
      use_driver_ = true;
      return driver_.prepare_gemm(
          ctx, packed, size_t(batch_), n, k, k, static_cast<const float*>(ctx.input(1).data),
          has_bias ? static_cast<const float*>(ctx.input(2).data) : nullptr, out_min, out_max);
    }
    if (select_own(ctx, f32_gemm_variants(), &own_fn_)) {
      own_has_bias_ = has_bias;
      own_params_ = ref::F32GemmParams{size_t(batch_), n, k, k, n, out_min, out_max};
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_operators(ctx, batch_ == 0, {0}));
    if (no_op()) return Status::Ok();

    xnn_operator_t fc = nullptr;
    if (fp16(ctx)) {  // XNNPACK rounds the float32 weights to FP16 as it packs them
      LOWBIT_RETURN_IF_ERROR(begin_fp16(ctx, k, n, "f16_fully_connected__xnnpack"));
      LOWBIT_RETURN_IF_ERROR(adopt(
          xnn_create_fully_connected_nc_f16(k, n, k, n, ctx.input(1).data,
                                            has_bias ? ctx.input(2).data : nullptr, out_min,
                                            out_max, XNN_FLAG_FP32_STATIC_WEIGHTS, &fc),
          &fc, "creating the FP16 fully connected operator"));
      return end_fp16();
    }
    const xnn_status status = xnn_create_fully_connected_nc_f32(
        depth, out_channels, /*input_stride=*/depth, /*output_stride=*/out_channels,
        static_cast<const float*>(ctx.input(1).data),
        has_bias ? static_cast<const float*>(ctx.input(2).data) : nullptr, out_min, out_max,
        /*flags=*/0, &fc);
    return adopt(status, &fc, "creating the fully connected operator");
  }

  Status run_own(const RunContext& ctx) override {
    if (use_driver_) {
      driver_.run(ctx.pool(), ctx.input_as<float>(0), ctx.output_as<float>(0), ctx.scratch());
      return Status::Ok();
    }
    // The bias is optional: the run context may not list it at all.
    own_fn_(own_params_, ctx.input_as<float>(0), ctx.input_as<float>(1),
            own_has_bias_ ? ctx.input_as<float>(2) : nullptr, ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    if (half_input() != nullptr) {
      LOWBIT_RETURN_IF_ERROR(bind_fp16(ctx, size_t(batch_), size_t(batch_)));
      return check(xnn_setup_fully_connected_nc_f16(xnn_op(1), batch_, half_input(),
                                                    half_output(), ctx.pool().handle()),
                   "setting up the FP16 fully connected operator");
    }
    return check(xnn_setup_fully_connected_nc_f32(xnn_op(0), batch_, input_data(ctx, 0),
                                                  ctx.output_as<float>(0), ctx.pool().handle()),
                 "setting up the fully connected operator");
  }

 private:
  int64_t batch_ = 0;
  ref::F32GemmFn own_fn_ = nullptr;
  ref::F32GemmParams own_params_;
  bool own_has_bias_ = false;
  F32GemmDriver driver_;
  bool use_driver_ = false;  // the packed GEMM instead of own_fn_
};

}  // namespace

std::unique_ptr<OpKernel> make_float_fully_connected(const OperatorDesc& op) {
  return std::make_unique<FloatFullyConnectedKernel>(op);
}

}  // namespace lowbit
