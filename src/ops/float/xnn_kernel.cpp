#include "ops/float/xnn_kernel.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "ops/op_util.h"

namespace lowbit {

Status ensure_xnnpack_initialized() {
  if (!build_has_xnnpack()) {
    return Status(StatusCode::kUnsupported,
                  "this build has no XNNPACK, so float operators run only on lowbit's own "
                  "kernels (float_kernels=own)");
  }
  // A function-local static makes the first caller initialize and every other
  // thread wait for it (C++11 guarantees this).
  static const xnn_status init_status = xnn_initialize(/*allocator=*/nullptr);
  if (init_status == xnn_status_success) return Status::Ok();
  if (init_status == xnn_status_unsupported_hardware) {
    return Status(StatusCode::kUnsupported,
                  "XNNPACK does not support this CPU, so float operators cannot run");
  }
  return Status(StatusCode::kInternal,
                "XNNPACK initialization failed (xnn_status " + std::to_string(init_status) + ")");
}

static const char* xnn_status_text(xnn_status status);

// Whether XNNPACK has FP16 operators for this CPU: creating a 1x1 FP16 fully
// connected operator says so (XNNPACK answers "unsupported hardware" when its
// FP16 kernels are not built for, or not usable on, the CPU).
static xnn_status probe_xnnpack_fp16() {
  static const xnn_status probed = [] {
    const float weight = 1.0f;
    xnn_operator_t op = nullptr;
    const xnn_status status = xnn_create_fully_connected_nc_f16(
        1, 1, 1, 1, &weight, nullptr, -INFINITY, INFINITY, XNN_FLAG_FP32_STATIC_WEIGHTS, &op);
    if (status == xnn_status_success) xnn_delete_operator(op);
    return status;
  }();
  return probed;
}

Status check_float_precision(FloatPrecision precision, FloatKernels kernels) {
  if (precision == FloatPrecision::kFp32) return Status::Ok();
  if (kernels != FloatKernels::kXnnpack) {
    return Status(StatusCode::kUnsupported,
                  "float precision fp16 runs through XNNPACK, but the float kernels are " +
                      std::string(float_kernels_name(kernels)) +
                      (build_has_xnnpack() ? "" : " (this build has no XNNPACK)"));
  }
  if (!cpu_has_fp16_arithmetic()) {
    return Status(StatusCode::kUnsupported,
                  "float precision fp16: this CPU has no half-precision arithmetic "
                  "(AVX512-FP16 on x86, ARMv8.2 FP16 on aarch64); use fp32");
  }
  LOWBIT_RETURN_IF_ERROR(ensure_xnnpack_initialized());
  const xnn_status status = probe_xnnpack_fp16();
  if (status != xnn_status_success) {
    return Status(StatusCode::kUnsupported,
                  std::string("float precision fp16: this XNNPACK has no FP16 operators for this "
                              "CPU (xnn_create_fully_connected_nc_f16: ") +
                      xnn_status_text(status) + "); use fp32");
  }
  return Status::Ok();
}

static const char* xnn_status_text(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "XNNPACK is not initialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "unknown XNNPACK status";
}

static StatusCode status_code_for(xnn_status status) {
  switch (status) {
    case xnn_status_out_of_memory: return StatusCode::kResourceExhausted;
    case xnn_status_invalid_parameter:
    case xnn_status_unsupported_parameter:
    case xnn_status_unsupported_hardware: return StatusCode::kUnsupported;
    default: return StatusCode::kInternal;
  }
}

Status XnnKernel::begin_prepare(PrepareContext& /*ctx*/) {
  // No variant table: XNNPACK picks its own microkernels for the CPU when it
  // is initialized, whatever the kernel set.
  return ensure_xnnpack_initialized();
}

Status XnnKernel::begin_operators(PrepareContext& ctx, bool empty_output,
                                  std::initializer_list<size_t> padded_inputs) {
  if (empty_output) {
    set_no_op();
    return Status::Ok();
  }
  LOWBIT_RETURN_IF_ERROR(begin_prepare(ctx));
  return keep_padded_constants(ctx, padded_inputs);
}

Status XnnKernel::keep_padded_constants(PrepareContext& ctx,
                                        std::initializer_list<size_t> inputs) {
  padded_constants_.assign(ctx.op().inputs.size(), nullptr);
  for (size_t i : inputs) {
    if (!ctx.has_input(i) || !ctx.input(i).is_constant()) continue;
    const TensorDesc& t = ctx.input(i);
    size_t bytes = 0;
    if (!storage_bytes(t.dtype, t.shape, &bytes) || t.data_bytes != bytes) {
      return invalid(describe_input(ctx.graph(), ctx.op(), i) + " has " +
                     std::to_string(t.data_bytes) + " bytes of data for shape " +
                     t.shape.to_string());
    }
    void* copy = ctx.allocate_persistent(bytes + XNN_EXTRA_BYTES);
    if (copy == nullptr) {
      return Status(StatusCode::kResourceExhausted,
                    "cannot allocate " + std::to_string(bytes) + " bytes for a copy of " +
                        describe_input(ctx.graph(), ctx.op(), i));
    }
    if (bytes != 0) std::memcpy(copy, t.data, bytes);
    padded_constants_[i] = static_cast<const float*>(copy);
  }
  return Status::Ok();
}

Status XnnKernel::begin_fp16(PrepareContext& ctx, size_t in_channels, size_t out_channels,
                             const char* kernel_name) {
  kernel_name_ = kernel_name;
  half_out_channels_ = out_channels;
  const size_t in_bytes = size_t(ctx.input(0).shape.num_elements()) * 2 + XNN_EXTRA_BYTES;
  const size_t out_bytes = size_t(ctx.output(0).shape.num_elements()) * 2 + XNN_EXTRA_BYTES;
  half_input_ = ctx.allocate_persistent(in_bytes);
  half_output_ = ctx.allocate_persistent(out_bytes);
  if (half_input_ == nullptr || half_output_ == nullptr) {
    return Status(StatusCode::kResourceExhausted,
                  "float " + std::string(op_type_name(type_)) + ": cannot allocate " +
                      std::to_string(in_bytes + out_bytes) + " bytes for FP16 activations");
  }
  xnn_operator_t to_half = nullptr;
  return adopt(xnn_create_convert_nc_f32_f16(in_channels, in_channels, in_channels, 0, &to_half),
               &to_half, "creating the conversion to FP16");
}

Status XnnKernel::end_fp16() {
  const size_t c = half_out_channels_;
  xnn_operator_t to_float = nullptr;
  return adopt(xnn_create_convert_nc_f16_f32(c, c, c, 0, &to_float), &to_float,
               "creating the conversion from FP16");
}

Status XnnKernel::bind_fp16(const RunContext& ctx, size_t in_rows, size_t out_rows) {
  LOWBIT_RETURN_IF_ERROR(check(xnn_setup_convert_nc_f32_f16(ops_.front(), in_rows,
                                                            input_data(ctx, 0), half_input_,
                                                            ctx.pool().handle()),
                               "setting up the conversion to FP16"));
  return check(xnn_setup_convert_nc_f16_f32(ops_.back(), out_rows, half_output_,
                                            ctx.output_as<float>(0), ctx.pool().handle()),
               "setting up the conversion from FP16");
}

XnnKernel::~XnnKernel() {
  for (xnn_operator_t op : ops_) xnn_delete_operator(op);
}

Status XnnKernel::adopt(xnn_status status, const xnn_operator_t* op, const char* what) {
  if (status != xnn_status_success) return check(status, what);
  ops_.push_back(*op);
  return Status::Ok();
}

Status XnnKernel::check(xnn_status status, const char* what) const {
  if (status == xnn_status_success) return Status::Ok();
  return Status(status_code_for(status), std::string("float ") + op_type_name(type_) + ": " +
                                             what + " failed in XNNPACK (" +
                                             xnn_status_text(status) + ")");
}

Status XnnKernel::run(const RunContext& ctx) {
  if (no_op_) return Status::Ok();
  if (own_) return run_own(ctx);
  for (xnn_operator_t op : ops_) {
    LOWBIT_RETURN_IF_ERROR(check(xnn_run_operator(op, ctx.pool().handle()), "running"));
  }
  return Status::Ok();
}

Status require_float_arity(const PrepareContext& ctx, size_t min_inputs, size_t max_inputs,
                           std::initializer_list<size_t> inputs) {
  LOWBIT_RETURN_IF_ERROR(check_arity(ctx.op(), min_inputs, max_inputs, 1));
  return require_float_operands(ctx, inputs);
}

Status require_float_operands(const PrepareContext& ctx, std::initializer_list<size_t> inputs) {
  auto check_dims = [&](bool is_input, size_t i) {
    const Shape& shape = is_input ? ctx.input(i).shape : ctx.output(i).shape;
    for (int d = 0; d < shape.rank; ++d) {
      if (shape[d] < 0) {
        return invalid((is_input ? describe_input(ctx.graph(), ctx.op(), i)
                                 : describe_output(ctx.graph(), ctx.op(), i)) +
                       " has a negative dimension: " + shape.to_string());
      }
    }
    return Status::Ok();
  };
  for (size_t i : inputs) {
    if (!ctx.has_input(i)) continue;
    LOWBIT_RETURN_IF_ERROR(check_dtype(ctx.graph(), ctx.op(), true, i, {DType::kFloat32}));
    LOWBIT_RETURN_IF_ERROR(check_dims(true, i));
  }
  for (size_t i = 0; i < ctx.op().outputs.size(); ++i) {
    LOWBIT_RETURN_IF_ERROR(check_dtype(ctx.graph(), ctx.op(), false, i, {DType::kFloat32}));
    LOWBIT_RETURN_IF_ERROR(check_dims(false, i));
  }
  return Status::Ok();
}

Status require_output_shape(const PrepareContext& ctx, size_t i, const Shape& expected) {
  const Shape& actual = ctx.output(i).shape;
  if (actual != expected) {
    return invalid(describe_output(ctx.graph(), ctx.op(), i) + " has shape " +
                   actual.to_string() + ", expected " + expected.to_string());
  }
  return Status::Ok();
}

Status require_constant_floats(const PrepareContext& ctx, size_t i, int64_t elements) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(ctx.graph(), ctx.op(), true, i, {DType::kFloat32}));
  LOWBIT_RETURN_IF_ERROR(check_constant(ctx.graph(), ctx.op(), i));
  const TensorDesc& t = ctx.input(i);
  if (t.shape.num_elements() != elements ||
      t.data_bytes != static_cast<size_t>(elements) * sizeof(float)) {
    return invalid(describe_input(ctx.graph(), ctx.op(), i) + " with shape " +
                   t.shape.to_string() + " and " + std::to_string(t.data_bytes) +
                   " bytes does not hold the expected " + std::to_string(elements) +
                   " float values");
  }
  return Status::Ok();
}

}  // namespace lowbit
