// CAST: each element converted to the output's dtype as TFLite's cast.cc does
// (a C++ static_cast per element; float -> integer truncates, anything -> bool
// is value != 0). Between float32, int32, int64, int8, uint8 and bool; int8
// and uint8 are cast as their stored integers, ignoring any quantization, as
// TFLite does. The conversions models run most (uint8/int8 pixels to float32,
// float32 <-> int32) have variant tables of their own (kernels/cast.h); every
// other pair runs cast__reference.
#include <string>

#include "kernels/cast.h"
#include "kernels/reference/math_elementwise.h"
#include "ops/add_elementwise_util.h"
#include "ops/conversion_kernel.h"
#include "ops/pad_copy_util.h"

namespace lowbit {
namespace {

const std::initializer_list<DType> kCastable = {DType::kFloat32, DType::kInt32, DType::kInt64,
                                                DType::kInt8,    DType::kUInt8, DType::kBool};

ref::CastType cast_type(DType dtype) {
  switch (dtype) {
    case DType::kInt32: return ref::CastType::kInt32;
    case DType::kInt64: return ref::CastType::kInt64;
    case DType::kInt8: return ref::CastType::kInt8;
    case DType::kUInt8: return ref::CastType::kUInt8;
    case DType::kBool: return ref::CastType::kBool;
    default: return ref::CastType::kFloat32;
  }
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, kCastable));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, kCastable));
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

class Cast : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    from_ = cast_type(ctx.input(0).dtype);
    to_ = cast_type(ctx.output(0).dtype);
    count_ = static_cast<size_t>(ctx.input(0).shape.num_elements());
    in_size_ = element_bytes(ctx.input(0).dtype);
    out_size_ = element_bytes(ctx.output(0).dtype);
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const auto* in = static_cast<const unsigned char*>(ctx.input(0));
    auto* out = static_cast<unsigned char*>(ctx.output(0));
    parallel_blocks(ctx.pool(), count_, kElementwiseBlock, [&](size_t begin, size_t end) {
      ref::cast__reference(from_, to_, end - begin, in + begin * in_size_, out + begin * out_size_);
    });
    return Status::Ok();
  }

  const char* name() const override { return "cast__reference"; }

 private:
  ref::CastType from_ = ref::CastType::kFloat32, to_ = ref::CastType::kFloat32;
  size_t count_ = 0, in_size_ = 1, out_size_ = 1;
};

void no_params(const PrepareContext&, ref::CastParams*) {}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const DType from = graph.tensors[op.inputs[0]].dtype;
  const DType to = graph.tensors[op.outputs[0]].dtype;
  if (to == DType::kFloat32) {
    switch (from) {
      case DType::kUInt8: return conversion_kernel(u8_f32_cast_variants(), no_params);
      case DType::kInt8: return conversion_kernel(s8_f32_cast_variants(), no_params);
      case DType::kInt32: return conversion_kernel(s32_f32_cast_variants(), no_params);
      default: break;
    }
  }
  if (from == DType::kFloat32 && to == DType::kInt32) {
    return conversion_kernel(f32_s32_cast_variants(), no_params);
  }
  return std::unique_ptr<OpKernel>(new Cast());
}

}  // namespace

LOWBIT_REGISTER_OP(Cast, validate, create)

}  // namespace lowbit
