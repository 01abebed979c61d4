// BCONV2D: Larq Compute Engine's LceBconv2d on bit-packed NHWC tensors.
// Inputs: bit input [N,H,W,Cin]; constant bit filter OHWI [Cout,KH,KW,Cin/groups];
// then multiplier and bias f32[Cout] (float32/int8 output) or threshold
// int32[Cout] (bit output). Numerics: kernels/reference/bin_conv2d.h.
#include <memory>
#include <string>

#include "kernels/reference/bin_conv2d.h"
#include "ops/drivers/bin_conv2d_driver.h"
#include "ops/binary_util.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// Keeps the doubled accumulator (at most 2*K) far from int32 overflow.
constexpr int64_t kMaxReduction = int64_t(1) << 28;

struct Geometry {
  int32_t groups = 1;
  PaddedDim h, w;
};

Status compute_geometry(const GraphDesc& graph, const OperatorDesc& op,
                        const BConv2DOptions& options, Geometry* g) {
  const Shape& in = graph.tensors[op.inputs[kBinInput]].shape;
  const Shape& filter = graph.tensors[op.inputs[kBinWeights]].shape;
  const int32_t cin = in[3], cout = filter[0], group_channels = filter[3];
  if (cin % group_channels != 0) {
    return invalid(describe_input(graph, op, kBinInput) + " has " + std::to_string(cin) +
                   " channels, not a multiple of the " + std::to_string(group_channels) +
                   " input channels of " + describe_input(graph, op, kBinWeights));
  }
  g->groups = cin / group_channels;
  if (g->groups > 1) {
    if (group_channels % 32 != 0) {
      return invalid("grouped binary convolution (" + std::to_string(g->groups) +
                     " groups) needs the channels per group (" + std::to_string(group_channels) +
                     ", dim 3 of " + describe_input(graph, op, kBinWeights) +
                     ") to be a multiple of 32, as LCE requires");
    }
    if (cout % g->groups != 0) {
      return invalid(describe_input(graph, op, kBinWeights) + " has " + std::to_string(cout) +
                     " output channels, not a multiple of the " + std::to_string(g->groups) +
                     " groups");
    }
  }
  const int64_t k = int64_t(filter[1]) * filter[2] * group_channels;
  if (k > kMaxReduction) {
    return invalid(describe_input(graph, op, kBinWeights) + ": reduction size " +
                   std::to_string(k) + " (KH*KW*channels per group) is too large");
  }
  if (options.pad_values != 0 && options.pad_values != 1) {
    return invalid("pad_values must be 0 or 1, got " + std::to_string(options.pad_values));
  }
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in[1], filter[1], options.stride_h,
                                            options.dilation_h, options.padding, "height", &g->h));
  LOWBIT_RETURN_IF_ERROR(compute_padded_dim(in[2], filter[2], options.stride_w,
                                            options.dilation_w, options.padding, "width", &g->w));
  return Status::Ok();
}

Status validate_bconv2d(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 5, 1));
  const BConv2DOptions* options = get_options<BConv2DOptions>(op);
  if (options == nullptr) return invalid("missing BConv2DOptions");
  for (size_t i : {kBinInput, kBinWeights}) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {DType::kBit}));
    LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, i, 4));
    LOWBIT_RETURN_IF_ERROR(check_positive_dims(graph, op, true, i));
  }
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, kBinWeights));
  Geometry g;
  LOWBIT_RETURN_IF_ERROR(compute_geometry(graph, op, *options, &g));
  const Shape& in = graph.tensors[op.inputs[kBinInput]].shape;
  const int32_t cout = graph.tensors[op.inputs[kBinWeights]].shape[0];
  LOWBIT_RETURN_IF_ERROR(validate_bin_output_operands(graph, op, cout, options->activation));
  output_shapes[0] = Shape{in[0], g.h.out, g.w.out, cout};
  return Status::Ok();
}

class BConv2DKernel : public BinConvOpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const BConv2DOptions& options = *get_options<BConv2DOptions>(ctx.op());
    Geometry g;
    LOWBIT_RETURN_IF_ERROR(compute_geometry(ctx.graph(), ctx.op(), options, &g));
    const Shape& in = ctx.input(kBinInput).shape;
    const Shape& filter = ctx.input(kBinWeights).shape;
    p_.batch = in[0];
    p_.input_h = in[1];
    p_.input_w = in[2];
    p_.input_words = bit_words(in[3]);
    p_.output_h = g.h.out;
    p_.output_w = g.w.out;
    p_.out_channels = filter[0];
    p_.kernel_h = filter[1];
    p_.kernel_w = filter[2];
    p_.stride_h = options.stride_h;
    p_.stride_w = options.stride_w;
    p_.dilation_h = options.dilation_h;
    p_.dilation_w = options.dilation_w;
    p_.pad_top = g.h.pad_before;
    p_.pad_left = g.w.pad_before;
    p_.groups = g.groups;
    p_.group_channels = filter[3];
    p_.zero_padding = options.padding == Padding::kSame && options.pad_values == 0;
    return prepare_driver(ctx, "bin_conv2d", p_.kernel_h * p_.kernel_w * p_.group_channels,
                          options.activation, options.padding == Padding::kSame,
                          uint64_t(ref::bin_conv2d_pixels(p_)));
  }
};

}  // namespace

LOWBIT_REGISTER_OP(BConv2D, validate_bconv2d, create_bin_op_kernel<BConv2DKernel>)

}  // namespace lowbit
