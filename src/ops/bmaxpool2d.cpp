// BMAXPOOL2D: LCE's LceBMaxPool2d. Bit input [N,H,W,C] -> bit output
// [N,OH,OW,C], the AND of the window taps inside the image (Pool2DOptions,
// TFLite padding rules, no fused activation).
#include <memory>
#include <string>

#include "kernels/bin_maxpool2d.h"
#include "ops/binary_util.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status compute_dims(const Shape& in, const Pool2DOptions& options, PaddedDim* h, PaddedDim* w) {
  LOWBIT_RETURN_IF_ERROR(
      compute_padded_dim(in[1], options.filter_h, options.stride_h, 1, options.padding, "height", h));
  return compute_padded_dim(in[2], options.filter_w, options.stride_w, 1, options.padding, "width", w);
}

Status validate_bmaxpool2d(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  const Pool2DOptions* options = get_options<Pool2DOptions>(op);
  if (options == nullptr) return invalid("missing Pool2DOptions");
  if (options->activation != Activation::kNone) {
    return invalid(std::string("fused activation ") + activation_name(options->activation) +
                   " is not supported (a binary max pool has none)");
  }
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kBit}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  LOWBIT_RETURN_IF_ERROR(check_positive_dims(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kBit}));
  const Shape& in = graph.tensors[op.inputs[0]].shape;
  PaddedDim h, w;
  LOWBIT_RETURN_IF_ERROR(compute_dims(in, *options, &h, &w));
  output_shapes[0] = Shape{in[0], h.out, w.out, in[3]};
  return Status::Ok();
}

class BMaxPool2DKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const Pool2DOptions& options = *get_options<Pool2DOptions>(ctx.op());
    const Shape& in = ctx.input(0).shape;
    PaddedDim h, w;
    LOWBIT_RETURN_IF_ERROR(compute_dims(in, options, &h, &w));
    p_.batch = in[0];
    p_.input_h = in[1];
    p_.input_w = in[2];
    p_.channels = in[3];
    p_.output_h = h.out;
    p_.output_w = w.out;
    p_.filter_h = options.filter_h;
    p_.filter_w = options.filter_w;
    p_.stride_h = options.stride_h;
    p_.stride_w = options.stride_w;
    p_.pad_top = h.pad_before;
    p_.pad_left = w.pad_before;
    const auto& variant = ctx.selector().select(bin_maxpool2d_variants());
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const auto* input = ctx.input_as<uint32_t>(0);
    auto* output = ctx.output_as<uint32_t>(0);
    bin_parallel_rows(ctx.pool(), ref::bin_maxpool2d_pixels(p_),
                      [&](size_t begin, size_t end) { fn_(p_, input, output, begin, end); });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  ref::BinMaxPool2DParams p_;
  ref::BinMaxPool2DFn fn_ = nullptr;
  const char* name_ = "";
};

}  // namespace

LOWBIT_REGISTER_OP(BMaxPool2D, validate_bmaxpool2d, create_bin_op_kernel<BMaxPool2DKernel>)

}  // namespace lowbit
