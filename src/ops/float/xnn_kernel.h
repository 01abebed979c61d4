// Shared plumbing of the float kernels: one-time XNNPACK initialization,
// status translation, and a kernel base class that either owns XNNPACK
// operators and runs them in order, or (InterpreterOptions::float_kernels =
// own) runs a variant of lowbit's own float families (kernels/f32_float.h)
// through run_own(). The operator classes validate once for both.
#pragma once

#include <xnnpack.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "ops/op_kernel.h"
#include "runtime/cpu_features.h"

namespace lowbit {

// xnn_initialize exactly once per process; later calls return the first result.
Status ensure_xnnpack_initialized();

class XnnKernel : public OpKernel {
 public:
  XnnKernel(const OperatorDesc& op, const char* kernel_name)
      : type_(op.type), kernel_name_(kernel_name) {}
  ~XnnKernel() override;
  XnnKernel(const XnnKernel&) = delete;
  XnnKernel& operator=(const XnnKernel&) = delete;

  // Initializes XNNPACK and resolves the kernel name through the selector.
  Status begin_prepare(PrepareContext& ctx);
  // What prepare() does before creating the operators once the shapes are
  // checked: with an empty output the kernel is a no-op (check no_op()
  // after); else begin_prepare() and keep_padded_constants(padded_inputs).
  Status begin_operators(PrepareContext& ctx, bool empty_output,
                         std::initializer_list<size_t> padded_inputs);
  // Runs the operators created in prepare() and set up in bind(), in order,
  // or run_own().
  Status run(const RunContext& ctx) override;
  const char* name() const override { return kernel_name_; }
  uint64_t macs() const override { return macs_; }

 protected:
  // Records a freshly created operator (so the destructor deletes it) or turns
  // the failure into a Status naming the operator type and `what`. Takes the
  // handle's address: in adopt(xnn_create_...(&op), &op, ...) the handle is
  // read only after the create call has filled it in.
  Status adopt(xnn_status status, const xnn_operator_t* op, const char* what);
  // Translates the status of a setup call.
  Status check(xnn_status status, const char* what) const;
  xnn_operator_t xnn_op(size_t i) const { return ops_[i]; }

  // XNNPACK may read XNN_EXTRA_BYTES past the end of the arrays it gets at run
  // time. Constant inputs (model data, possibly at the end of a mapping) are
  // therefore copied into padded persistent memory here; input_data() then
  // returns the copy, or the arena tensor for the others.
  Status keep_padded_constants(PrepareContext& ctx, std::initializer_list<size_t> inputs);
  const float* input_data(const RunContext& ctx, size_t i) const {
    return i < padded_constants_.size() && padded_constants_[i] != nullptr
               ? padded_constants_[i]
               : ctx.input_as<float>(i);
  }

  void set_macs(uint64_t macs) { macs_ = macs; }

  // Half precision (InterpreterOptions::float_precision = kFp16, accepted by
  // the interpreter only where XNNPACK and the CPU can): the operator runs on
  // FP16 copies of its input and output, which begin_fp16() allocates and
  // brackets with XNNPACK conversions. Call it before creating the FP16
  // operator so the operators run as: to FP16, the operator, back to float32;
  // then the FP16 operator is xnn_op(1) and bind() calls bind_fp16().
  bool fp16(const PrepareContext& ctx) const {
    return ctx.selector().float_precision() == FloatPrecision::kFp16;
  }
  Status begin_fp16(PrepareContext& ctx, size_t in_channels, size_t out_channels,
                    const char* kernel_name);
  // Creates the conversion back to float32 (after the FP16 operator).
  Status end_fp16();
  // Sets up both conversions for `in_rows` input rows of in_channels and
  // out_rows output rows of out_channels.
  Status bind_fp16(const RunContext& ctx, size_t in_rows, size_t out_rows);
  void* half_input() const { return half_input_; }
  void* half_output() const { return half_output_; }

  // When the interpreter asked for lowbit's own float kernels: picks the
  // family's variant into *fn (its name becomes the kernel's) and returns
  // true; prepare() then sets up the own kernel's parameters instead of
  // XNNPACK operators, and run() calls run_own().
  template <typename Fn>
  bool select_own(const PrepareContext& ctx, const KernelFamily<Fn>& family, Fn* fn) {
    if (ctx.selector().float_kernels() != FloatKernels::kOwn) return false;
    const KernelVariant<Fn>& row = ctx.selector().select(family);
    *fn = row.fn;
    kernel_name_ = row.name;
    own_ = true;
    return true;
  }
  bool own() const { return own_; }
  // Whether bind() has nothing to set up: an empty output or an own kernel.
  bool nothing_to_bind() const { return no_op_ || own_; }
  virtual Status run_own(const RunContext& /*ctx*/) {
    return Status(StatusCode::kInternal, std::string("float ") + op_type_name(type_) +
                                             " has no own kernel");
  }
  // For operators whose output is empty: nothing to create, set up or run.
  void set_no_op() { no_op_ = true; }
  bool no_op() const { return no_op_; }

 private:
  OpType type_;
  const char* kernel_name_;
  std::vector<xnn_operator_t> ops_;
  std::vector<const float*> padded_constants_;
  uint64_t macs_ = 0;
  void* half_input_ = nullptr;
  void* half_output_ = nullptr;
  size_t half_out_channels_ = 0;
  bool no_op_ = false;
  bool own_ = false;
};

// Validation helpers: each failure names the operand at fault.
// float32 with non-negative dimensions on the given inputs (present ones
// only) and on every output.
Status require_float_operands(const PrepareContext& ctx, std::initializer_list<size_t> inputs);
// check_arity(ctx.op(), min_inputs, max_inputs, 1), then the above on inputs.
Status require_float_arity(const PrepareContext& ctx, size_t min_inputs, size_t max_inputs,
                           std::initializer_list<size_t> inputs);
Status require_output_shape(const PrepareContext& ctx, size_t i, const Shape& expected);
// A constant float tensor of `elements` values with storage to match.
Status require_constant_floats(const PrepareContext& ctx, size_t i, int64_t elements);

// The operator's options, or the defaults when it has none.
template <typename T>
Status options_or_default(const OperatorDesc& op, T* out) {
  if (std::holds_alternative<std::monostate>(op.options)) {
    *out = T{};
    return Status::Ok();
  }
  if (const T* given = std::get_if<T>(&op.options)) {
    *out = *given;
    return Status::Ok();
  }
  return Status(StatusCode::kInvalidModel,
                std::string("options of the wrong kind for ") + op_type_name(op.type));
}

}  // namespace lowbit
