#include "ops/byte_table_util.h"

#include <string>

#include "kernels/qs8_math.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

ref::ByteQuant byte_quant(const TensorDesc& t) {
  return {t.quant.scales[0], static_cast<int32_t>(t.quant.zero_points[0]),
          t.dtype == DType::kUInt8};
}

class ByteTableKernel : public UnaryElementwiseKernel<uint8_t, uint8_t, ref::X8LutParams> {
 public:
  ByteTableKernel(ref::TableBuilder build, float param, bool reject_negative)
      : build_(build), param_(param), reject_negative_(reject_negative) {}

  Status prepare(PrepareContext& ctx) override {
    auto* table = static_cast<uint8_t*>(ctx.allocate_persistent(256));
    if (table == nullptr) {
      return Status(StatusCode::kResourceExhausted, "cannot allocate the lookup table");
    }
    build_(param_, byte_quant(ctx.input(0)), byte_quant(ctx.output(0)), table);
    params_.table = table;
    zero_point_ = ctx.input(0).quant.zero_points[0];
    elements_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    return choose(ctx, x8_lut_variants());
  }

  Status run(const RunContext& ctx) override {
    // Only int8 operators reject negatives (TFLite has no uint8 SQRT/RSQRT).
    const int8_t* in = ctx.input_as<int8_t>(0);
    for (size_t i = 0; reject_negative_ && i < elements_; ++i) {
      if (in[i] < zero_point_) {
        return Status(StatusCode::kInvalidArgument,
                      "input 0 holds a negative value (" + std::to_string(in[i]) +
                          " below zero point " + std::to_string(zero_point_) +
                          ") at position " + std::to_string(i) +
                          "; the operator is defined for non-negative inputs only");
      }
    }
    return UnaryElementwiseKernel::run(ctx);
  }

 private:
  ref::TableBuilder build_;
  float param_;
  bool reject_negative_;
  int32_t zero_point_ = 0;
  size_t elements_ = 0;
};

}  // namespace

std::unique_ptr<OpKernel> make_byte_table_kernel(ref::TableBuilder build, float param,
                                                 bool reject_negative) {
  return std::make_unique<ByteTableKernel>(build, param, reject_negative);
}

Result<std::unique_ptr<OpKernel>> create_float_or_table(const GraphDesc& graph,
                                                        const OperatorDesc& op,
                                                        const TableUnaryOp& kernels) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return create_float_unary(kernels.f32, kernels.f32_name);
  }
  return make_byte_table_kernel(kernels.build, 0.0f, kernels.reject_negative);
}

Result<std::unique_ptr<OpKernel>> create_float_int32_or_table(const GraphDesc& graph,
                                                              const OperatorDesc& op,
                                                              const UnaryPair& kernels,
                                                              ref::TableBuilder build) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt8) {
    return make_byte_table_kernel(build, 0.0f, false);
  }
  return create_float_or_int32_unary(graph, op, kernels);
}

Status validate_float_int32_or_int8_unary(const GraphDesc& graph, const OperatorDesc& op,
                                          Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt32, DType::kInt8},
                              output_shapes);
}

Status validate_float_or_8bit_unary(const GraphDesc& graph, const OperatorDesc& op,
                                    Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt8, DType::kUInt8},
                              output_shapes);
}

}  // namespace lowbit
