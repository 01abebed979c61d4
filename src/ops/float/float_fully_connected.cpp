// FULLY_CONNECTED through XNNPACK or lowbit's own f32_gemm family: the input
// is flattened to [batch, K].
#include <xnnpack.h>

#include "kernels/f32_float.h"
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
    if (select_own(ctx, f32_gemm_variants(), &own_fn_)) {
      own_has_bias_ = has_bias;
      const size_t k = size_t(depth), n = size_t(out_channels);
      own_params_ = ref::F32GemmParams{size_t(batch_), n, k, k, n, out_min, out_max};
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_operators(ctx, batch_ == 0, {0}));
    if (no_op()) return Status::Ok();

    xnn_operator_t fc = nullptr;
    const xnn_status status = xnn_create_fully_connected_nc_f32(
        depth, out_channels, /*input_stride=*/depth, /*output_stride=*/out_channels,
        static_cast<const float*>(ctx.input(1).data),
        has_bias ? static_cast<const float*>(ctx.input(2).data) : nullptr, out_min, out_max,
        /*flags=*/0, &fc);
    return adopt(status, &fc, "creating the fully connected operator");
  }

  Status run_own(const RunContext& ctx) override {
    // The bias is optional: the run context may not list it at all.
    own_fn_(own_params_, ctx.input_as<float>(0), ctx.input_as<float>(1),
            own_has_bias_ ? ctx.input_as<float>(2) : nullptr, ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    return check(xnn_setup_fully_connected_nc_f32(xnn_op(0), batch_, input_data(ctx, 0),
                                                  ctx.output_as<float>(0), ctx.pool().handle()),
                 "setting up the fully connected operator");
  }

 private:
  int64_t batch_ = 0;
  ref::F32GemmFn own_fn_ = nullptr;
  ref::F32GemmParams own_params_;
  bool own_has_bias_ = false;
};

}  // namespace

std::unique_ptr<OpKernel> make_float_fully_connected(const OperatorDesc& op) {
  return std::make_unique<FloatFullyConnectedKernel>(op);
}

}  // namespace lowbit
