#include "ops/resize_common.h"

#include <string>

#include "ops/pad_copy_util.h"

namespace lowbit {

// Spatial sizes stay far below where the kernels' int32 coordinate
// arithmetic (index * 1024-scaled step) could overflow.
constexpr int32_t kMaxResizeDim = 1 << 14;

Status validate_resize(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes,
                       std::initializer_list<DType> dtypes, bool allow_both_coordinate_options) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  const auto* opt = get_options<ResizeOptions>(op);
  if (!opt) return invalid("missing ResizeOptions");
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, dtypes));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {in.dtype}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, 0, 4));
  LOWBIT_RETURN_IF_ERROR(check_same_quantization(graph, op, 0));
  if (opt->new_height <= 0 || opt->new_width <= 0 || opt->new_height > kMaxResizeDim ||
      opt->new_width > kMaxResizeDim) {
    return invalid("output size " + std::to_string(opt->new_height) + "x" +
                   std::to_string(opt->new_width) + " must be within 1.." +
                   std::to_string(kMaxResizeDim));
  }
  for (int d = 1; d <= 2; ++d) {
    if (in.shape[d] <= 0 || in.shape[d] > kMaxResizeDim) {
      return invalid(describe_input(graph, op, 0) + " spatial dimension " + std::to_string(d) +
                     " (" + std::to_string(in.shape[d]) + ") must be within 1.." +
                     std::to_string(kMaxResizeDim));
    }
  }
  if (opt->align_corners && opt->half_pixel_centers && !allow_both_coordinate_options) {
    return invalid("align_corners and half_pixel_centers cannot both be set");
  }
  Shape out = in.shape;
  out[1] = opt->new_height;
  out[2] = opt->new_width;
  output_shapes[0] = out;
  return Status::Ok();
}

ref::ResizeParams resize_params(const TensorDesc& input, const TensorDesc& output,
                                const ResizeOptions& options) {
  ref::ResizeParams p;
  p.batches = input.shape[0];
  p.input_height = input.shape[1];
  p.input_width = input.shape[2];
  p.channels = input.shape[3];
  p.output_height = output.shape[1];
  p.output_width = output.shape[2];
  p.align_corners = options.align_corners;
  p.half_pixel_centers = options.half_pixel_centers;
  p.element_size = element_bytes(input.dtype);
  return p;
}

}  // namespace lowbit
