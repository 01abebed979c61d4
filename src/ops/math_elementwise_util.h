// What DIV, FLOOR_DIV, SQRT and RSQRT share: operand checks and kernels that
// run the plain-value reference kernels of kernels/reference/math_elementwise.h
// (float32 and int32, no quantization) over NumPy broadcasts or flat tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>

#include "kernels/reference/math_elementwise.h"
#include "ops/add_elementwise_util.h"

namespace lowbit {

// Two inputs and one output of one dtype out of `allowed`, the inputs
// broadcasting to the output's shape.
Status validate_plain_binary(const GraphDesc& graph, const OperatorDesc& op,
                             std::initializer_list<DType> allowed, Shape* output_shapes);

Status validate_float_unary(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes);
Status validate_float_or_int32_unary(const GraphDesc& graph, const OperatorDesc& op,
                                     Shape* output_shapes);
Status validate_float_or_int32_binary(const GraphDesc& graph, const OperatorDesc& op,
                                      Shape* output_shapes);

// TFLite's CalculateActivationRange<T>: no activation is [lowest, max].
template <typename T>
ref::MinMax<T> tflite_activation_range(Activation act) {
  switch (act) {
    case Activation::kRelu: return {T(0), std::numeric_limits<T>::max()};
    case Activation::kRelu6: return {T(0), T(6)};
    case Activation::kReluN1To1: return {T(-1), T(1)};
    default: return {std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max()};
  }
}

template <typename T>
using PlainBinaryFn = ref::BinaryKernel<T>*;

// fn over the broadcast of inputs 0 and 1. With reject_zero_divisor, a zero
// anywhere in input 1 makes run() fail naming its position, before anything
// is computed (integer division by zero is undefined in C++).
template <typename T>
class PlainBinaryKernel : public OpKernel {
 public:
  PlainBinaryKernel(PlainBinaryFn<T> fn, const char* name, ref::MinMax<T> range,
                    bool reject_zero_divisor)
      : fn_(fn), name_(name), range_(range), reject_zero_divisor_(reject_zero_divisor) {}

  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(plan_broadcast(ctx, &plan_));
    divisor_count_ = static_cast<size_t>(ctx.input(1).shape.num_elements());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const T* a = ctx.input_as<T>(0);
    const T* b = ctx.input_as<T>(1);
    T* out = ctx.output_as<T>(0);
    for (size_t i = 0; reject_zero_divisor_ && i < divisor_count_; ++i) {
      if (b[i] == T(0)) {
        return Status(StatusCode::kInvalidArgument,
                      "division by zero: input 1 holds 0 at position " + std::to_string(i));
      }
    }
    const size_t sa = plan_.a_inner_stride(), sb = plan_.b_inner_stride();
    plan_.run(ctx.pool(), [&](size_t o, size_t ia, size_t ib, size_t n) {
      fn_(range_, n, a + ia, sa, b + ib, sb, out + o);
    });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  PlainBinaryFn<T> fn_;
  const char* name_;
  ref::MinMax<T> range_;
  bool reject_zero_divisor_;
  BroadcastPlan plan_;
  size_t divisor_count_ = 0;
};

// MAXIMUM and MINIMUM (op.type): float32, int8, uint8, int32 and int64;
// int8/uint8 compare stored values, so every operand must share one scale
// and zero point.
Status validate_maximum_minimum(const GraphDesc& graph, const OperatorDesc& op,
                                Shape* output_shapes);
Result<std::unique_ptr<OpKernel>> create_maximum_minimum(const GraphDesc& graph,
                                                         const OperatorDesc& op);

// int32 ADD, SUB or MUL (op.type) with its ElementwiseOptions activation.
Result<std::unique_ptr<OpKernel>> create_int32_arithmetic(const OperatorDesc& op);

// fn(n, in, out) over a flat float32 tensor.
Result<std::unique_ptr<OpKernel>> create_float_unary(void (*fn)(size_t, const float*, float*),
                                                     const char* name);

// An operator's float32 and int32 kernels, by the dtype of input 0.
struct UnaryPair {
  void (*f32)(size_t, const float*, float*);
  const char* f32_name;
  void (*s32)(size_t, const int32_t*, int32_t*);
  const char* s32_name;
};
Result<std::unique_ptr<OpKernel>> create_float_or_int32_unary(const GraphDesc& graph,
                                                              const OperatorDesc& op,
                                                              const UnaryPair& kernels);
struct BinaryPair {
  PlainBinaryFn<float> f32;
  const char* f32_name;
  PlainBinaryFn<int32_t> s32;
  const char* s32_name;
};
// Without an activation; reject_zero_divisor as PlainBinaryKernel's.
Result<std::unique_ptr<OpKernel>> create_float_or_int32_binary(const GraphDesc& graph,
                                                               const OperatorDesc& op,
                                                               const BinaryPair& kernels,
                                                               bool reject_zero_divisor);

}  // namespace lowbit
