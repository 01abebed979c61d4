// L2_NORMALIZATION over the last axis (TFLite's l2norm.cc): input of rank 1
// to 4, output of the same shape. Quantized outputs have TFLite's fixed
// quantization, scale 1/128 with zero point 0 (int8) or 128 (uint8).
#include <memory>
#include <string>

#include "kernels/reference/l2_normalization.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// Squares of centered 8-bit values are at most 255^2; the int32 sum of a row
// must not overflow.
constexpr int32_t kMaxQuantizedDepth = 33025;  // floor((2^31 - 1) / 255^2)

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_int8_or_float_in_out(graph, op));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  if (in.shape.rank < 1 || in.shape.rank > 4) {
    return invalid(describe_input(graph, op, 0) + " has rank " + std::to_string(in.shape.rank) +
                   ", expected 1 to 4");
  }
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, 0));
  if (in.dtype != DType::kFloat32) {
    const int32_t depth = in.shape[in.shape.rank - 1];
    if (depth > kMaxQuantizedDepth) {
      return Status(StatusCode::kUnsupported,
                    "last axis of " + std::to_string(depth) + " values exceeds " +
                        std::to_string(kMaxQuantizedDepth) + ", where the int32 sum can overflow");
    }
    const TensorDesc& out = graph.tensors[op.outputs[0]];
    const int32_t zero_point = in.dtype == DType::kUInt8 ? 128 : 0;
    if (out.quant.scales[0] != 1.0f / 128.0f || out.quant.zero_points[0] != zero_point) {
      return invalid(describe_output(graph, op, 0) + " has scale " +
                     std::to_string(out.quant.scales[0]) + " and zero point " +
                     std::to_string(out.quant.zero_points[0]) + ", expected 1/128 and " +
                     std::to_string(zero_point));
    }
  }
  output_shapes[0] = in.shape;
  return Status::Ok();
}

class L2NormalizationKernel : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    dtype_ = in.dtype;
    name_ = dtype_ == DType::kFloat32 ? "f32_l2_normalization__reference"
            : dtype_ == DType::kUInt8 ? "qu8_l2_normalization__reference"
                                      : "qs8_l2_normalization__reference";
    depth_ = size_t(in.shape[in.shape.rank - 1]);
    rows_ = size_t(in.shape.num_elements()) / depth_;
    if (dtype_ != DType::kFloat32) input_zero_point_ = in.quant.zero_points[0];
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const size_t rows_per_task = depth_ >= kElementwiseBlock ? 1 : kElementwiseBlock / depth_;
    parallel_blocks(ctx.pool(), rows_, rows_per_task, [&](size_t begin, size_t end) {
      switch (dtype_) {
        case DType::kFloat32:
          ref::f32_l2_normalization__reference(depth_, ctx.input_as<float>(0),
                                               ctx.output_as<float>(0), begin, end);
          break;
        case DType::kUInt8:
          ref::qu8_l2_normalization__reference(depth_, input_zero_point_,
                                               ctx.input_as<uint8_t>(0),
                                               ctx.output_as<uint8_t>(0), begin, end);
          break;
        default:
          ref::qs8_l2_normalization__reference(depth_, input_zero_point_,
                                               ctx.input_as<int8_t>(0), ctx.output_as<int8_t>(0),
                                               begin, end);
      }
    });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  DType dtype_ = DType::kInt8;
  const char* name_ = "";
  size_t depth_ = 1, rows_ = 0;
  int32_t input_zero_point_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(L2Normalization, validate, create_kernel<L2NormalizationKernel>)

}  // namespace lowbit
