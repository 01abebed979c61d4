// BITPACK: LCE's LceQuantize. float32 (bit = x < 0) or int8 (bit = q <
// zero_point) -> bit tensor of the same logical shape, packed along the
// innermost dimension.
#include <memory>
#include <string>

#include "kernels/bin_pack.h"
#include "ops/binary_util.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate_bitpack(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kFloat32, DType::kInt8}));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  if (in.shape.rank < 1) {
    return invalid(describe_input(graph, op, 0) + " must have rank >= 1 (the innermost "
                   "dimension is packed)");
  }
  LOWBIT_RETURN_IF_ERROR(check_positive_dims(graph, op, true, 0));
  if (in.dtype == DType::kInt8) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kBit}));
  output_shapes[0] = in.shape;
  return Status::Ok();
}

class BitpackKernel : public BinRowsOpKernel<ref::BinPackQs8Fn, ref::BinPackF32Fn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    const bool int8 = in.dtype == DType::kInt8;
    select_variant(ctx, in, int8, bin_pack_qs8_variants(), bin_pack_f32_variants());
    if (int8) zero_point_ = in.quant.zero_points[0];
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    auto* output = ctx.output_as<uint32_t>(0);
    if (qs8_fn_ != nullptr) {
      const auto* input = ctx.input_as<int8_t>(0);
      bin_parallel_rows(ctx.pool(), rows_, [&](size_t begin, size_t end) {
        qs8_fn_(input, channels_, zero_point_, output, begin, end);
      });
    } else {
      const auto* input = ctx.input_as<float>(0);
      bin_parallel_rows(ctx.pool(), rows_, [&](size_t begin, size_t end) {
        f32_fn_(input, channels_, output, begin, end);
      });
    }
    return Status::Ok();
  }

 private:
  int32_t zero_point_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(Bitpack, validate_bitpack, create_bin_op_kernel<BitpackKernel>)

}  // namespace lowbit
