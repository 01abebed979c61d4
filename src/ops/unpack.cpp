// UNPACK: LCE's LceDequantize. Bit tensor -> float32 ±1 (bit 1 -> -1.0) or int8
// in the output's quantization (see ref::bin_unpack_qs8_values), same logical
// shape.
#include <memory>
#include <string>

#include "kernels/bin_pack.h"
#include "ops/binary_util.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate_unpack(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kBit}));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  if (in.shape.rank < 1) {
    return invalid(describe_input(graph, op, 0) + " must have rank >= 1");
  }
  LOWBIT_RETURN_IF_ERROR(check_positive_dims(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32, DType::kInt8}));
  if (graph.tensors[op.outputs[0]].dtype == DType::kInt8) {
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  }
  output_shapes[0] = in.shape;
  return Status::Ok();
}

class UnpackKernel : public BinRowsOpKernel<ref::BinUnpackQs8Fn, ref::BinUnpackF32Fn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& out = ctx.output(0);
    const bool int8 = out.dtype == DType::kInt8;
    select_variant(ctx, ctx.input(0), int8, bin_unpack_qs8_variants(), bin_unpack_f32_variants());
    if (int8) {
      ref::bin_unpack_qs8_values(out.quant.scales[0], out.quant.zero_points[0], &plus_, &minus_);
    }
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const auto* input = ctx.input_as<uint32_t>(0);
    if (qs8_fn_ != nullptr) {
      auto* output = ctx.output_as<int8_t>(0);
      bin_parallel_rows(ctx.pool(), rows_, [&](size_t begin, size_t end) {
        qs8_fn_(input, channels_, plus_, minus_, output, begin, end);
      });
    } else {
      auto* output = ctx.output_as<float>(0);
      bin_parallel_rows(ctx.pool(), rows_, [&](size_t begin, size_t end) {
        f32_fn_(input, channels_, output, begin, end);
      });
    }
    return Status::Ok();
  }

 private:
  int8_t plus_ = 0, minus_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(BitUnpack, validate_unpack, create_bin_op_kernel<UnpackKernel>)

}  // namespace lowbit
