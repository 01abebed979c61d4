// CONCATENATION along any axis (negative counts from the end), for any
// byte-sized dtype. int8/uint8 inputs whose quantization differs from the
// output's are requantized as TFLite's ConcatenationWithScaling does (float
// scale and bias, round half away from zero); matching ones are copied.
// int16 (16x8) inputs are copied as TFLite does, so their scales must match.
// Fused activations are rejected, as TFLite Micro does.
#include <memory>
#include <string>

#include "kernels/copy.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  if (op.inputs.empty()) return invalid("expects at least 1 input, has 0");
  LOWBIT_RETURN_IF_ERROR(check_arity(op, op.inputs.size(), op.inputs.size(), 1));
  const auto* opt = get_options<ConcatenationOptions>(op);
  if (!opt) return invalid("missing ConcatenationOptions");
  if (opt->activation != Activation::kNone) {
    return Status(StatusCode::kUnsupported, std::string("fused activation ") +
                                                activation_name(opt->activation) +
                                                " on CONCATENATION is not supported");
  }
  LOWBIT_RETURN_IF_ERROR(check_byte_addressable(graph, op, true, 0));
  const TensorDesc& first = graph.tensors[op.inputs[0]];
  const int rank = first.shape.rank;
  if (rank < 1) return invalid(describe_input(graph, op, 0) + " must have rank >= 1");
  if (opt->axis < -rank || opt->axis >= rank) {
    return invalid("axis " + std::to_string(opt->axis) + " is out of range for rank " +
                   std::to_string(rank));
  }
  const int axis = opt->axis < 0 ? opt->axis + rank : opt->axis;
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {first.dtype}));
  const bool quantized =
      first.dtype == DType::kInt8 || first.dtype == DType::kUInt8 || first.dtype == DType::kInt16;
  if (quantized) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  if (first.dtype == DType::kInt16) {
    LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, false, 0));
  }
  Shape out = first.shape;
  int64_t axis_size = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const TensorDesc& t = graph.tensors[op.inputs[i]];
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {first.dtype}));
    if (quantized) {
      LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, i));
      // The kernel rescales in float and converts to int32: a ratio above 2^22
      // (or an infinite one, from a subnormal output scale) would overflow
      // that conversion, which is undefined (found by fuzzing). Computed as
      // prepare() computes it.
      const float out_scale = graph.tensors[op.outputs[0]].quant.scales[0];
      // TFLite copies int16 values unchanged (zero points 0): equal scales keep that exact.
      if (first.dtype == DType::kInt16) {
        LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, true, i));
        if (t.quant.scales[0] != out_scale) {
          return invalid(describe_input(graph, op, i) + " scale " +
                         std::to_string(t.quant.scales[0]) + " differs from the output scale " +
                         std::to_string(out_scale) + " (int16 CONCATENATION does not rescale)");
        }
      }
      const float ratio = t.quant.scales[0] * (1.0f / out_scale);
      if (!(ratio <= float(1 << 22))) {
        return Status(StatusCode::kUnsupported,
                      describe_input(graph, op, i) + " scale " + std::to_string(t.quant.scales[0]) +
                          " is " + std::to_string(ratio) + " times the output scale " +
                          std::to_string(out_scale) + "; at most 2^22 is supported");
      }
    }
    if (t.shape.rank != rank) {
      return invalid(describe_input(graph, op, i) + " has rank " + std::to_string(t.shape.rank) +
                     ", expected " + std::to_string(rank) + " like input 0");
    }
    for (int d = 0; d < rank; ++d) {
      if (t.shape[d] < 0) return invalid(describe_input(graph, op, i) + " has a negative dimension");
      if (d != axis && t.shape[d] != first.shape[d]) {
        return invalid(describe_input(graph, op, i) + " shape " + t.shape.to_string() +
                       " differs from input 0 shape " + first.shape.to_string() +
                       " outside axis " + std::to_string(axis));
      }
    }
    axis_size += t.shape[axis];
  }
  if (axis_size > (int64_t{1} << 30)) return invalid("concatenated dimension is too large");
  out[axis] = static_cast<int32_t>(axis_size);
  output_shapes[0] = out;
  return Status::Ok();
}

class Concatenation : public VariantKernel<ref::ConcatFn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    Shape expected;
    LOWBIT_RETURN_IF_ERROR(validate(ctx.graph(), ctx.op(), &expected));
    const TensorDesc& out = ctx.output(0);
    if (expected != out.shape) {
      return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " shape " + out.shape.to_string() +
                     " differs from the concatenated shape " + expected.to_string());
    }
    const auto* opt = get_options<ConcatenationOptions>(ctx.op());
    const int rank = out.shape.rank;
    const int axis = opt->axis < 0 ? opt->axis + rank : opt->axis;
    const size_t n = ctx.op().inputs.size();
    outer_ = 1;
    for (int d = 0; d < axis; ++d) outer_ *= static_cast<size_t>(out.shape[d]);
    size_t inner = 1;
    for (int d = axis + 1; d < rank; ++d) inner *= static_cast<size_t>(out.shape[d]);

    auto* blocks = static_cast<size_t*>(ctx.allocate_persistent(n * sizeof(size_t)));
    inputs_ = static_cast<const void**>(ctx.allocate_persistent(n * sizeof(void*)));
    if (blocks == nullptr || inputs_ == nullptr) {
      return Status(StatusCode::kResourceExhausted, "cannot allocate concatenation tables");
    }
    p_.num_inputs = n;
    p_.element_size = element_bytes(out.dtype);
    p_.block_elements = blocks;
    p_.output_block_elements = static_cast<size_t>(out.shape[axis]) * inner;
    for (size_t i = 0; i < n; ++i) blocks[i] = static_cast<size_t>(ctx.input(i).shape[axis]) * inner;

    if (out.dtype == DType::kInt8 || out.dtype == DType::kUInt8) {
      auto* rescale = static_cast<ref::ConcatInputRescale*>(
          ctx.allocate_persistent(n * sizeof(ref::ConcatInputRescale)));
      if (rescale == nullptr) {
        return Status(StatusCode::kResourceExhausted, "cannot allocate concatenation tables");
      }
      const float out_scale = out.quant.scales[0];
      const int32_t out_zp = out.quant.zero_points[0];
      const float inverse_output_scale = 1.0f / out_scale;
      for (size_t i = 0; i < n; ++i) {
        const TensorDesc& t = ctx.input(i);
        const float s = t.quant.scales[0];
        const int32_t zp = t.quant.zero_points[0];
        rescale[i] = ref::ConcatInputRescale{};
        if (s == out_scale && zp == out_zp) continue;
        rescale[i].rescale = true;
        rescale[i].scale = s * inverse_output_scale;
        rescale[i].bias = static_cast<float>(-zp) * rescale[i].scale;
      }
      p_.rescale = rescale;
      p_.rescale_unsigned = out.dtype == DType::kUInt8;
      p_.output_zero_point = out_zp;
    }
    const size_t per_outer = p_.output_block_elements;
    outer_per_task_ = per_outer >= kElementwiseBlock ? 1 : kElementwiseBlock / (per_outer + 1);
    select(ctx, copy_concat_variants());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    for (size_t i = 0; i < p_.num_inputs; ++i) inputs_[i] = ctx.input(i);
    void* out = ctx.output(0);
    parallel_blocks(ctx.pool(), outer_, outer_per_task_,
                    [&](size_t begin, size_t end) { fn_(p_, inputs_, out, begin, end); });
    return Status::Ok();
  }

 private:
  ref::ConcatParams p_;
  const void** inputs_ = nullptr;  // persistent; refreshed every run
  size_t outer_ = 0, outer_per_task_ = 1;
};

}  // namespace

LOWBIT_REGISTER_OP(Concatenation, validate, create_kernel<Concatenation>)

}  // namespace lowbit
