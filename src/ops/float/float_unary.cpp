// Element-wise LOGISTIC, HARD_SWISH, RELU, RELU6 and the row-wise SOFTMAX
// through XNNPACK's NC operators (channels = innermost dimension, batch =
// rest) or lowbit's own f32_clamp / f32_logistic / f32_hardswish / f32_softmax.
#include <xnnpack.h>

#include "kernels/f32_float.h"
#include <cmath>
#include <limits>

#include "ops/float/float_ops.h"
#include "ops/float/xnn_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// Rows and row length of a tensor for an NC operator (a scalar is one 1x1 row).
struct Rows {
  size_t batch = 0, channels = 0;
};

Status same_shape_rows(const PrepareContext& ctx, Rows* rows) {
  LOWBIT_RETURN_IF_ERROR(require_float_arity(ctx, 1, 1, {0}));
  const Shape& in = ctx.input(0).shape;
  LOWBIT_RETURN_IF_ERROR(require_output_shape(ctx, 0, in));
  rows->channels = in.rank == 0 ? 1 : size_t(in[in.rank - 1]);
  rows->batch = rows->channels == 0 ? 0 : size_t(in.num_elements()) / rows->channels;
  return Status::Ok();
}

const char* unary_kernel_name(OpType type) {
  switch (type) {
    case OpType::kLogistic: return "f32_logistic__xnnpack";
    case OpType::kHardSwish: return "f32_hardswish__xnnpack";
    case OpType::kRelu: return "f32_relu__xnnpack";
    default: return "f32_relu6__xnnpack";
  }
}

KernelFamily<ref::F32UnaryFn> own_unary_for(OpType type) {
  switch (type) {
    case OpType::kLogistic: return f32_logistic_variants();
    case OpType::kHardSwish: return f32_hardswish_variants();
    default: return f32_clamp_variants();
  }
}

class FloatUnaryKernel final : public XnnKernel {
 public:
  explicit FloatUnaryKernel(const OperatorDesc& op)
      : XnnKernel(op, unary_kernel_name(op.type)), type_(op.type) {}

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(same_shape_rows(ctx, &rows_));
    if (select_own(ctx, own_unary_for(type_), &own_fn_)) {
      // RELU's range [0, inf), RELU6's [0, 6]; the others ignore it.
      own_params_.out_min = 0.0f;
      own_params_.out_max =
          type_ == OpType::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_operators(ctx, rows_.batch == 0, {0}));
    if (no_op()) return Status::Ok();
    const size_t c = rows_.channels;
    xnn_operator_t unary = nullptr;
    switch (type_) {
      case OpType::kLogistic:
        return adopt(xnn_create_sigmoid_nc_f32(c, c, c, 0, &unary), &unary,
                     "creating the sigmoid");
      case OpType::kHardSwish:
        return adopt(xnn_create_hardswish_nc_f32(c, c, c, 0, &unary), &unary,
                     "creating the hard swish");
      case OpType::kRelu:
        return adopt(xnn_create_clamp_nc_f32(c, c, c, 0.0f, std::numeric_limits<float>::infinity(),
                                             0, &unary), &unary, "creating the clamp");
      case OpType::kRelu6:
        return adopt(xnn_create_clamp_nc_f32(c, c, c, 0.0f, 6.0f, 0, &unary), &unary,
                     "creating the clamp");
      default:
        return Status(StatusCode::kInternal, "not an element-wise float operator");
    }
  }

  Status run_own(const RunContext& ctx) override {
    own_fn_(own_params_, rows_.batch * rows_.channels, ctx.input_as<float>(0),
            ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    const float* in = input_data(ctx, 0);
    float* out = ctx.output_as<float>(0);
    pthreadpool_t threads = ctx.pool().handle();
    switch (type_) {
      case OpType::kLogistic:
        return check(xnn_setup_sigmoid_nc_f32(xnn_op(0), rows_.batch, in, out, threads),
                     "setting up the sigmoid");
      case OpType::kHardSwish:
        return check(xnn_setup_hardswish_nc_f32(xnn_op(0), rows_.batch, in, out, threads),
                     "setting up the hard swish");
      default:
        return check(xnn_setup_clamp_nc_f32(xnn_op(0), rows_.batch, in, out, threads),
                     "setting up the clamp");
    }
  }

 private:
  OpType type_;
  Rows rows_;
  ref::F32UnaryFn own_fn_ = nullptr;
  ref::F32UnaryParams own_params_;
};

// softmax(beta * x) along the innermost dimension. For beta != 1 the scaled
// input is first written to scratch by an XNNPACK multiply.
class FloatSoftmaxKernel final : public XnnKernel {
 public:
  explicit FloatSoftmaxKernel(const OperatorDesc& op) : XnnKernel(op, "f32_softmax__xnnpack") {}

  Status prepare(PrepareContext& ctx) override {
    SoftmaxOptions options;
    LOWBIT_RETURN_IF_ERROR(options_or_default(ctx.op(), &options));
    if (!std::isfinite(options.beta)) {
      return invalid("softmax beta " + std::to_string(options.beta) + " is not finite");
    }
    beta_[0] = options.beta;
    LOWBIT_RETURN_IF_ERROR(same_shape_rows(ctx, &rows_));
    if (select_own(ctx, f32_softmax_variants(), &own_fn_)) {
      // rows = 0 when a row is empty: nothing to normalize.
      own_params_ = ref::F32SoftmaxParams{rows_.batch, rows_.channels, beta_[0]};
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_operators(ctx, rows_.batch == 0, {0}));
    if (no_op()) return Status::Ok();
    xnn_operator_t op = nullptr;
    if (beta_[0] != 1.0f) {
      const float inf = std::numeric_limits<float>::infinity();
      LOWBIT_RETURN_IF_ERROR(adopt(xnn_create_multiply_nd_f32(-inf, inf, 0, &op), &op,
                                   "creating the beta scaling"));
      // The softmax reads the scaled copy, so it gets the over-read slack too.
      ctx.request_scratch(rows_.batch * rows_.channels * sizeof(float) + XNN_EXTRA_BYTES);
      op = nullptr;
    }
    const size_t c = rows_.channels;
    return adopt(xnn_create_softmax_nc_f32(c, c, c, 0, &op), &op, "creating the softmax");
  }

  Status run_own(const RunContext& ctx) override {
    own_fn_(own_params_, ctx.input_as<float>(0), ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    const float* in = input_data(ctx, 0);
    pthreadpool_t threads = ctx.pool().handle();
    size_t softmax_index = 0;
    if (beta_[0] != 1.0f) {
      float* scaled = static_cast<float*>(ctx.scratch());
      const size_t elements[1] = {rows_.batch * rows_.channels};
      const size_t scalar[1] = {1};
      LOWBIT_RETURN_IF_ERROR(check(xnn_setup_multiply_nd_f32(xnn_op(0), 1, elements, 1, scalar,
                                                             in, beta_, scaled, threads),
                                   "setting up the beta scaling"));
      in = scaled;
      softmax_index = 1;
    }
    return check(xnn_setup_softmax_nc_f32(xnn_op(softmax_index), rows_.batch, in,
                                          ctx.output_as<float>(0), threads),
                 "setting up the softmax");
  }

 private:
  // The scalar operand of the multiply, with the slack XNNPACK may over-read.
  float beta_[1 + XNN_EXTRA_BYTES / sizeof(float)] = {1.0f};
  Rows rows_;
  ref::F32SoftmaxFn own_fn_ = nullptr;
  ref::F32SoftmaxParams own_params_;
};

}  // namespace

std::unique_ptr<OpKernel> make_float_unary(const OperatorDesc& op) {
  if (op.type == OpType::kSoftmax) return std::make_unique<FloatSoftmaxKernel>(op);
  return std::make_unique<FloatUnaryKernel>(op);
}

}  // namespace lowbit
