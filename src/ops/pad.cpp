// PAD: extends every dimension by (before, after) elements taken from
// PadOptions::paddings. Quantized tensors pad with the output zero point
// (real 0), others with 0. Any byte-addressable dtype (int16 included) and rank.
#include <cstring>
#include <memory>

#include "kernels/copy.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_util.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  const auto* opt = get_options<PadOptions>(op);
  if (!opt) return invalid("missing PadOptions");
  LOWBIT_RETURN_IF_ERROR(check_byte_addressable(graph, op, true, 0));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {in.dtype}));
  LOWBIT_RETURN_IF_ERROR(check_same_quantization(graph, op, 0));
  if (opt->paddings.size() != size_t(2 * in.shape.rank)) {
    return invalid("paddings has " + std::to_string(opt->paddings.size()) +
                   " entries, expected 2 per dimension of " + describe_input(graph, op, 0) +
                   " (rank " + std::to_string(in.shape.rank) + ")");
  }
  Shape out = in.shape;
  for (int d = 0; d < in.shape.rank; ++d) {
    const int32_t before = opt->paddings[2 * d], after = opt->paddings[2 * d + 1];
    if (before < 0 || after < 0) {
      return invalid("paddings of dimension " + std::to_string(d) + " (" +
                     std::to_string(before) + ", " + std::to_string(after) +
                     ") must not be negative");
    }
    const int64_t size = int64_t(in.shape[d]) + before + after;
    if (in.shape[d] < 0 || size > (int64_t{1} << 30)) {
      return invalid("padded dimension " + std::to_string(d) + " of " +
                     describe_input(graph, op, 0) + " is out of range");
    }
    out[d] = static_cast<int32_t>(size);
  }
  output_shapes[0] = out;
  return Status::Ok();
}

class Pad : public VariantKernel<ref::PadFn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    const TensorDesc& out = ctx.output(0);
    const auto* opt = get_options<PadOptions>(ctx.op());
    Shape expected;
    LOWBIT_RETURN_IF_ERROR(validate(ctx.graph(), ctx.op(), &expected));
    if (expected != out.shape) {
      return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " shape " + out.shape.to_string() +
                     " differs from the padded shape " + expected.to_string());
    }
    // A scalar is handled as a one-element vector.
    p_.rank = in.shape.rank > 0 ? in.shape.rank : 1;
    p_.element_size = element_bytes(in.dtype);
    for (int d = 0; d < p_.rank; ++d) {
      p_.input_dims[d] = in.shape.rank > 0 ? in.shape[d] : 1;
      p_.output_dims[d] = out.shape.rank > 0 ? out.shape[d] : 1;
      p_.pad_before[d] = in.shape.rank > 0 ? opt->paddings[2 * d] : 0;
    }
    if (in.dtype == DType::kInt8) {
      const int8_t zp = static_cast<int8_t>(out.quant.zero_points[0]);
      std::memcpy(p_.fill, &zp, 1);
    } else if (in.dtype == DType::kUInt8) {
      p_.fill[0] = static_cast<uint8_t>(out.quant.zero_points[0]);
    } else if (in.dtype == DType::kInt16) {
      const int16_t zp = static_cast<int16_t>(out.quant.zero_points[0]);
      std::memcpy(p_.fill, &zp, sizeof(zp));
    }  // float32 and int32: all-zero bytes
    rows_ = 1;
    for (int d = 0; d + 1 < p_.rank; ++d) rows_ *= static_cast<size_t>(p_.output_dims[d]);
    const size_t row_elements = static_cast<size_t>(p_.output_dims[p_.rank - 1]);
    rows_per_task_ = row_elements >= kElementwiseBlock ? 1 : kElementwiseBlock / (row_elements + 1);
    if (static_cast<int64_t>(rows_ * row_elements) != out.shape.num_elements()) rows_ = 0;
    select(ctx, copy_pad_variants());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const void* in = ctx.input(0);
    void* out = ctx.output(0);
    parallel_blocks(ctx.pool(), rows_, rows_per_task_,
                    [&](size_t begin, size_t end) { fn_(p_, in, out, begin, end); });
    return Status::Ok();
  }

 private:
  ref::PadParams p_;
  size_t rows_ = 0, rows_per_task_ = 1;
};

}  // namespace

LOWBIT_REGISTER_OP(Pad, validate, create_kernel<Pad>)

}  // namespace lowbit
