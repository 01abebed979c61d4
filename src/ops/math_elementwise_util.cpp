#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

template <typename T>
class UnaryKernel : public OpKernel {
 public:
  UnaryKernel(void (*fn)(size_t, const T*, T*), const char* name) : fn_(fn), name_(name) {}

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    count_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const T* in = ctx.input_as<T>(0);
    T* out = ctx.output_as<T>(0);
    parallel_blocks(ctx.pool(), count_, kElementwiseBlock,
                    [&](size_t begin, size_t end) { fn_(end - begin, in + begin, out + begin); });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  void (*fn_)(size_t, const T*, T*);
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
  return validate_plain_unary(graph, op, {DType::kFloat32}, output_shapes);
}

Status validate_float_or_int32_unary(const GraphDesc& graph, const OperatorDesc& op,
                                     Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt32}, output_shapes);
}

Status validate_float_or_int32_binary(const GraphDesc& graph, const OperatorDesc& op,
                                      Shape* output_shapes) {
  return validate_plain_binary(graph, op, {DType::kFloat32, DType::kInt32}, output_shapes);
}

Status validate_maximum_minimum(const GraphDesc& graph, const OperatorDesc& op,
                                Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_plain_binary(
      graph, op, {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt32, DType::kInt64},
      output_shapes));
  const TensorDesc& a = graph.tensors[op.inputs[0]];
  if (a.dtype != DType::kInt8 && a.dtype != DType::kUInt8) return Status::Ok();
  const auto same_as_a = [&](const TensorDesc& t) {
    return t.quant.scales[0] == a.quant.scales[0] && t.quant.zero_points[0] == a.quant.zero_points[0];
  };
  if (!same_as_a(graph.tensors[op.inputs[1]]) || !same_as_a(graph.tensors[op.outputs[0]])) {
    return Status(StatusCode::kUnsupported,
                  "compares stored values: inputs and output need one scale and zero point");
  }
  return Status::Ok();
}

namespace {

template <typename T>
std::unique_ptr<OpKernel> min_max_kernel(bool maximum) {
  return std::unique_ptr<OpKernel>(new PlainBinaryKernel<T>(
      maximum ? ref::maximum__reference<T> : ref::minimum__reference<T>,
      maximum ? "maximum__reference" : "minimum__reference", ref::MinMax<T>{T(0), T(0)}, false));
}

}  // namespace

Result<std::unique_ptr<OpKernel>> create_maximum_minimum(const GraphDesc& graph,
                                                         const OperatorDesc& op) {
  const bool maximum = op.type == OpType::kMaximum;
  switch (graph.tensors[op.inputs[0]].dtype) {
    case DType::kInt8: return min_max_kernel<int8_t>(maximum);
    case DType::kUInt8: return min_max_kernel<uint8_t>(maximum);
    case DType::kInt32: return min_max_kernel<int32_t>(maximum);
    case DType::kInt64: return min_max_kernel<int64_t>(maximum);
    default: return min_max_kernel<float>(maximum);
  }
}

Result<std::unique_ptr<OpKernel>> create_int32_arithmetic(const OperatorDesc& op) {
  const auto* options = get_options<ElementwiseOptions>(op);
  const auto range = tflite_activation_range<int32_t>(options ? options->activation : Activation::kNone);
  PlainBinaryFn<int32_t> fn = ref::s32_add__reference;
  const char* name = "s32_add__reference";
  if (op.type == OpType::kSub) fn = ref::s32_sub__reference, name = "s32_sub__reference";
  if (op.type == OpType::kMul) fn = ref::s32_mul__reference, name = "s32_mul__reference";
  return std::unique_ptr<OpKernel>(new PlainBinaryKernel<int32_t>(fn, name, range, false));
}

Result<std::unique_ptr<OpKernel>> create_float_unary(void (*fn)(size_t, const float*, float*),
                                                     const char* name) {
  return std::unique_ptr<OpKernel>(new UnaryKernel<float>(fn, name));
}

Result<std::unique_ptr<OpKernel>> create_float_or_int32_unary(
    const GraphDesc& graph, const OperatorDesc& op, const UnaryPair& kernels) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt32) {
    return std::unique_ptr<OpKernel>(new UnaryKernel<int32_t>(kernels.s32, kernels.s32_name));
  }
  return create_float_unary(kernels.f32, kernels.f32_name);
}

Result<std::unique_ptr<OpKernel>> create_float_or_int32_binary(
    const GraphDesc& graph, const OperatorDesc& op, const BinaryPair& kernels,
    bool reject_zero_divisor) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt32) {
    return std::unique_ptr<OpKernel>(new PlainBinaryKernel<int32_t>(
        kernels.s32, kernels.s32_name, tflite_activation_range<int32_t>(Activation::kNone),
        reject_zero_divisor));
  }
  return std::unique_ptr<OpKernel>(new PlainBinaryKernel<float>(
      kernels.f32, kernels.f32_name, tflite_activation_range<float>(Activation::kNone),
      reject_zero_divisor));
}

}  // namespace lowbit
