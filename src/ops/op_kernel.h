// The contract between the interpreter and an operator implementation.
//
// Load time:  OpRegistration::validate checks an operator against the graph
//             (input count, dtypes, quantization, options, shapes) and infers
//             its output shapes. No kernel exists yet.
// prepare():  the kernel computes requantization parameters for the profile,
//             picks a variant through the KernelSelector, packs weights into
//             persistent memory and asks for scratch arena space.
// bind():     after the memory plan, every tensor has its final address.
// run():      inside invoke(); must not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lowbit/c_api.h"
#include "lowbit/graph.h"
#include "lowbit/interpreter.h"
#include "lowbit/status.h"
#include "graph/op_registration.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace lowbit {

class PrepareContext {
 public:
  virtual ~PrepareContext() = default;

  virtual const GraphDesc& graph() const = 0;
  virtual const OperatorDesc& op() const = 0;
  virtual int op_index() const = 0;
  virtual RequantProfile profile() const = 0;
  virtual const KernelSelector& selector() const = 0;
  virtual ThreadPool& pool() const = 0;

  // Arena memory available to this operator only while it runs (64-byte aligned).
  virtual void request_scratch(size_t bytes) = 0;
  // Zeroed, 64-byte aligned memory owned by the interpreter for the kernel's
  // lifetime (packed weights, folded biases). Counted as packed-weight bytes.
  virtual void* allocate_persistent(size_t bytes) = 0;

  // True in the sizing pass of lowbit_arena_size (runtime/arena_size.h): the
  // kernel is thrown away after prepare(), so what only run() reads need not
  // be computed. Weight packers skip packing and call reserve_persistent with
  // the bytes allocate_persistent would have given, so the pass counts the
  // same persistent bytes, scratch and variant choices as a real prepare.
  virtual bool sizing_only() const { return false; }
  // Counts persistent bytes without memory; only while sizing_only().
  virtual void reserve_persistent(size_t /*bytes*/) {}

  // Data the converter derived from this operator's constants and stored
  // under `key` (docs/format.md, "Prepared data"), when exactly `bytes`
  // long and 64-byte aligned; else nullptr, and the kernel derives it from
  // the constants. A key names the layout, its version and every input of
  // the derivation besides the operator's constants.
  virtual const void* find_prepared(const std::string& key, size_t bytes) const {
    for (const PreparedData& p : op().prepared) {
      if (p.bytes == bytes && p.key == key &&
          reinterpret_cast<uintptr_t>(p.data) % 64 == 0) {
        return p.data;
      }
    }
    return nullptr;
  }
  // What a kernel derived (and did not find): the converter's prepack pass
  // (src/convert/prepack.cpp) stores it in the model.
  virtual void offer_prepared(const std::string& /*key*/, const void* /*data*/,
                              size_t /*bytes*/) {}

  // Whether uint8 tensor `tensor` is stored sign-flipped between operators
  // (int8 bytes: value ^ 0x80; runtime/flipped_uint8.h). Only the operators
  // that plan names ever see true.
  virtual bool stored_flipped(int /*tensor*/) const { return false; }

  bool has_input(size_t i) const {
    return i < op().inputs.size() && op().inputs[i] != kAbsentInput;
  }
  bool input_flipped(size_t i) const { return has_input(i) && stored_flipped(op().inputs[i]); }
  bool output_flipped(size_t i) const { return stored_flipped(op().outputs[i]); }
  const TensorDesc& input(size_t i) const { return graph().tensors[op().inputs[i]]; }
  const TensorDesc& output(size_t i) const { return graph().tensors[op().outputs[i]]; }
};

class RunContext {
 public:
  virtual ~RunContext() = default;
  virtual const void* input(size_t i) const = 0;  // nullptr for an absent input
  virtual void* output(size_t i) const = 0;
  virtual void* scratch() const = 0;
  virtual ThreadPool& pool() const = 0;

  template <typename T>
  const T* input_as(size_t i) const { return static_cast<const T*>(input(i)); }
  template <typename T>
  T* output_as(size_t i) const { return static_cast<T*>(output(i)); }
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual Status prepare(PrepareContext& ctx) = 0;
  virtual Status bind(const RunContext& /*ctx*/) { return Status::Ok(); }
  virtual Status run(const RunContext& ctx) = 0;
  // The chosen variant, e.g. "qs8_conv2d__reference" or "f32_conv2d__xnnpack".
  virtual const char* name() const = 0;
  virtual uint64_t macs() const { return 0; }
};

// An operator kernel that runs one variant of a kernel family: prepare()
// calls select(), run() calls fn_, name() reports the variant.
template <typename Fn>
class VariantKernel : public OpKernel {
 public:
  const char* name() const override { return name_; }

 protected:
  void select(const PrepareContext& ctx, const KernelFamily<Fn>& family) {
    const KernelVariant<Fn>& variant = ctx.selector().select(family);
    fn_ = variant.fn;
    name_ = variant.name;
  }

  Fn fn_ = nullptr;

 private:
  const char* name_ = "";
};

// create() of an operator with one kernel that needs nothing from the graph.
template <typename Kernel>
Result<std::unique_ptr<OpKernel>> create_kernel(const GraphDesc&, const OperatorDesc&) {
  return std::unique_ptr<OpKernel>(new Kernel());
}

// Defines operator <Name>'s registration k<Name>Op and its C handle
// lowbit_op_<Name>() (lowbit_op is the C name of an OpRegistration) in the
// operator's own object file, so that naming an operator in a resolver links
// that operator and no other. Use inside namespace lowbit.
#define LOWBIT_REGISTER_OP(Name, validate_fn, create_fn)                       \
  const OpRegistration k##Name##Op = {OpType::k##Name, validate_fn, create_fn}; \
  extern "C" const lowbit_op* lowbit_op_##Name(void) {                        \
    return reinterpret_cast<const lowbit_op*>(&k##Name##Op);                  \
  }

}  // namespace lowbit
