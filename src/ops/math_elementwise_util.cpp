#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

class FloatUnaryKernel : public OpKernel {
 public:
  FloatUnaryKernel(void (*fn)(size_t, const float*, float*), const char* name)
      : fn_(fn), name_(name) {}

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    count_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const float* in = ctx.input_as<float>(0);
    float* out = ctx.output_as<float>(0);
    parallel_blocks(ctx.pool(), count_, kElementwiseBlock,
                    [&](size_t begin, size_t end) { fn_(end - begin, in + begin, out + begin); });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  void (*fn_)(size_t, const float*, float*);
  const char* name_;
  size_t count_ = 0;
};

}  // namespace

Status validate_plain_binary(const GraphDesc& graph, const OperatorDesc& op,
                             std::initializer_list<DType> allowed, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
  DType dtype;
  LOWBIT_RETURN_IF_ERROR(check_same_dtype_operands(graph, op, allowed, &dtype));
  return broadcast_shape(graph, op, &output_shapes[0]);
}

Status validate_float_unary(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  DType dtype;
  LOWBIT_RETURN_IF_ERROR(check_same_dtype_operands(graph, op, {DType::kFloat32}, &dtype));
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

Result<std::unique_ptr<OpKernel>> create_float_unary(void (*fn)(size_t, const float*, float*),
                                                     const char* name) {
  return std::unique_ptr<OpKernel>(new FloatUnaryKernel(fn, name));
}

}  // namespace lowbit
