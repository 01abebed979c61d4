// Shared by RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: operand checks, the
// output shape from ResizeOptions, and a kernel that splits output rows over
// the thread pool (rows never overlap, so any thread count gives the same bytes).
#pragma once

#include <memory>

#include "kernels/reference/resize.h"
#include "ops/add_elementwise_util.h"
#include "ops/op_kernel.h"

namespace lowbit {

// One 4-D NHWC input of `dtypes`, output [N, new_height, new_width, C] of the
// same dtype and quantization. `allow_both_coordinate_options`: whether
// align_corners and half_pixel_centers may both be set.
Status validate_resize(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes,
                       std::initializer_list<DType> dtypes, bool allow_both_coordinate_options);

ref::ResizeParams resize_params(const TensorDesc& input, const TensorDesc& output,
                                const ResizeOptions& options);

// Runs variant Fn(params, const T* in, T* out, row_begin, row_end) of `family`.
template <typename T, typename Fn>
class ResizeKernel : public OpKernel {
 public:
  using Validate = Status (*)(const GraphDesc&, const OperatorDesc&, Shape*);
  ResizeKernel(KernelFamily<Fn> family, Validate validate)
      : family_(family), validate_(validate) {}

  Status prepare(PrepareContext& ctx) override {
    Shape expected;
    LOWBIT_RETURN_IF_ERROR(validate_(ctx.graph(), ctx.op(), &expected));
    if (expected != ctx.output(0).shape) {
      return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " shape " +
                     ctx.output(0).shape.to_string() + " differs from the resized shape " +
                     expected.to_string());
    }
    const auto* options = get_options<ResizeOptions>(ctx.op());
    params_ = resize_params(ctx.input(0), ctx.output(0), *options);
    rows_ = static_cast<size_t>(params_.batches) * static_cast<size_t>(params_.output_height);
    const size_t row_elements =
        static_cast<size_t>(params_.output_width) * static_cast<size_t>(params_.channels);
    rows_per_task_ = row_elements >= kElementwiseBlock ? 1 : kElementwiseBlock / (row_elements + 1);
    const auto& variant = ctx.selector().select(family_);
    fn_ = variant.fn;
    name_ = variant.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    const T* in = static_cast<const T*>(ctx.input(0));
    T* out = static_cast<T*>(ctx.output(0));
    parallel_blocks(ctx.pool(), rows_, rows_per_task_,
                    [&](size_t begin, size_t end) { fn_(params_, in, out, begin, end); });
    return Status::Ok();
  }

  const char* name() const override { return name_; }

 private:
  KernelFamily<Fn> family_;
  Validate validate_;
  ref::ResizeParams params_;
  size_t rows_ = 0, rows_per_task_ = 1;
  Fn fn_ = nullptr;
  const char* name_ = "";
};

}  // namespace lowbit
