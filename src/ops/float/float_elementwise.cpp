// ADD, SUB and MUL with NumPy-style broadcasting through XNNPACK's N-d
// operators (one create/setup pair each, of the same signatures) or lowbit's
// own f32_add / f32_sub / f32_mul families.
#include <xnnpack.h>

#include "kernels/f32_float.h"
#include <algorithm>

#include "ops/float/float_ops.h"
#include "ops/float/xnn_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

struct XnnBinary {
  const char* kernel_name;
  const char* creating;  // error messages
  const char* setting_up;
  decltype(&xnn_create_add_nd_f32) create;
  decltype(&xnn_setup_add_nd_f32) setup;
};

const XnnBinary kXnnAdd = {"f32_add__xnnpack", "creating the addition",
                           "setting up the addition", xnn_create_add_nd_f32,
                           xnn_setup_add_nd_f32};
const XnnBinary kXnnSub = {"f32_sub__xnnpack", "creating the subtraction",
                           "setting up the subtraction", xnn_create_subtract_nd_f32,
                           xnn_setup_subtract_nd_f32};
const XnnBinary kXnnMul = {"f32_mul__xnnpack", "creating the multiplication",
                           "setting up the multiplication", xnn_create_multiply_nd_f32,
                           xnn_setup_multiply_nd_f32};

// One rank limit for both kernel sources.
static_assert(ref::F32BinaryParams::kMaxRank == XNN_MAX_TENSOR_DIMS, "rank limits differ");

KernelFamily<ref::F32BinaryFn> own_binary_for(OpType type) {
  return type == OpType::kMul ? f32_mul_variants()
                              : (type == OpType::kSub ? f32_sub_variants() : f32_add_variants());
}

const XnnBinary& xnn_binary_for(OpType type) {
  return type == OpType::kMul ? kXnnMul : (type == OpType::kSub ? kXnnSub : kXnnAdd);
}

class FloatBinaryKernel final : public XnnKernel {
 public:
  explicit FloatBinaryKernel(const OperatorDesc& op)
      : XnnKernel(op, xnn_binary_for(op.type).kernel_name),
        binary_(xnn_binary_for(op.type)),
        is_mul_(op.type == OpType::kMul) {}

  Status prepare(PrepareContext& ctx) override {
    const OperatorDesc& op = ctx.op();
    LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
    LOWBIT_RETURN_IF_ERROR(require_float_operands(ctx, {0, 1}));
    ElementwiseOptions options;
    LOWBIT_RETURN_IF_ERROR(options_or_default(op, &options));
    Shape expected;
    LOWBIT_RETURN_IF_ERROR(broadcast_shape(ctx, &expected));
    LOWBIT_RETURN_IF_ERROR(require_output_shape(ctx, 0, expected));
    // A scalar is handed to XNNPACK as shape [1].
    for (int i = 0; i < 2; ++i) {
      const Shape& s = ctx.input(i).shape;
      rank_[i] = static_cast<size_t>(std::max(1, s.rank));
      for (int d = 0; d < s.rank; ++d) dims_[i][d] = static_cast<size_t>(s[d]);
      if (s.rank == 0) dims_[i][0] = 1;
    }
    const int64_t elements = expected.num_elements();
    if (is_mul_) set_macs(uint64_t(elements));
    float out_min, out_max;
    float_activation_range(options.activation, &out_min, &out_max);
    if (select_own(ctx, own_binary_for(op.type), &own_fn_)) {
      set_own_params(ctx, expected, out_min, out_max);
      return Status::Ok();
    }
    if (elements == 0) {
      set_no_op();
      return Status::Ok();
    }
    LOWBIT_RETURN_IF_ERROR(begin_prepare(ctx));
    LOWBIT_RETURN_IF_ERROR(keep_padded_constants(ctx, {0, 1}));
    xnn_operator_t binary = nullptr;
    return adopt(binary_.create(out_min, out_max, 0, &binary), &binary,
                 binary_.creating);
  }

  Status run_own(const RunContext& ctx) override {
    own_fn_(own_params_, ctx.input_as<float>(0), ctx.input_as<float>(1), ctx.output_as<float>(0));
    return Status::Ok();
  }

  Status bind(const RunContext& ctx) override {
    if (nothing_to_bind()) return Status::Ok();
    const float* a = input_data(ctx, 0);
    const float* b = input_data(ctx, 1);
    float* out = ctx.output_as<float>(0);
    return check(binary_.setup(xnn_op(0), rank_[0], dims_[0], rank_[1], dims_[1], a, b, out,
                               ctx.pool().handle()),
                 binary_.setting_up);
  }

 private:
  // Each input's stride along each output dimension (aligned from the
  // innermost), 0 where it is broadcast.
  void set_own_params(const PrepareContext& ctx, const Shape& out, float out_min, float out_max) {
    ref::F32BinaryParams& p = own_params_;
    p.rank = out.rank;
    p.out_min = out_min;
    p.out_max = out_max;
    for (int d = 0; d < out.rank; ++d) p.out_dims[d] = out[d];
    int64_t* strides[2] = {p.a_strides, p.b_strides};
    for (int i = 0; i < 2; ++i) {
      const Shape& s = ctx.input(i).shape;
      int64_t stride = 1;
      for (int d = out.rank - 1; d >= 0; --d) {
        const int sd = d - (out.rank - s.rank);
        const int32_t dim = sd >= 0 ? s[sd] : 1;
        strides[i][d] = dim == 1 ? 0 : stride;
        stride *= dim;
      }
    }
  }

  // Dimensions align from the innermost; each pair must match or contain a 1.
  static Status broadcast_shape(const PrepareContext& ctx, Shape* out) {
    const Shape& a = ctx.input(0).shape;
    const Shape& b = ctx.input(1).shape;
    const int rank = std::max(a.rank, b.rank);
    if (rank > XNN_MAX_TENSOR_DIMS) {
      return Status(StatusCode::kUnsupported,
                    "float " + std::string(op_type_name(ctx.op().type)) + " supports rank up to " +
                        std::to_string(XNN_MAX_TENSOR_DIMS) + ", the inputs have ranks " +
                        std::to_string(a.rank) + " and " + std::to_string(b.rank));
    }
    out->rank = rank;
    for (int d = 0; d < rank; ++d) {
      const int da = d - (rank - a.rank), db = d - (rank - b.rank);
      const int32_t x = da >= 0 ? a[da] : 1;
      const int32_t y = db >= 0 ? b[db] : 1;
      if (x != y && x != 1 && y != 1) {
        return invalid(describe_input(ctx.graph(), ctx.op(), 0) + " with shape " +
                       a.to_string() + " and " + describe_input(ctx.graph(), ctx.op(), 1) +
                       " with shape " + b.to_string() + " do not broadcast");
      }
      (*out)[d] = x == 1 ? y : x;
    }
    return Status::Ok();
  }

  const XnnBinary& binary_;
  bool is_mul_;
  ref::F32BinaryFn own_fn_ = nullptr;
  ref::F32BinaryParams own_params_;
  size_t rank_[2] = {0, 0};
  size_t dims_[2][XNN_MAX_TENSOR_DIMS] = {};
};

}  // namespace

std::unique_ptr<OpKernel> make_float_binary(const OperatorDesc& op) {
  return std::make_unique<FloatBinaryKernel>(op);
}

}  // namespace lowbit
