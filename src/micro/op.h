// What a firmware operator implements (lowbit_micro_op) and the context the
// runtime hands it. prepare() checks the operator's tensors and options,
// allocates its persistent state from the arena (packed weights,
// requantization tables) and asks for scratch; invoke() computes and never
// fails or allocates. Both see tensors through ModelView, in place.
//
// No exceptions, RTTI, virtual functions or heap here: operators are plain
// function pointers so a resolver naming only some of them lets the linker
// drop the rest.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "lowbit/micro.h"
#include "lowbit/requant_profile.h"
#include "micro/lbm_view.h"
#include "micro/message.h"

namespace lowbit {
namespace micro {

struct PrepareState;  // the runtime's side (runtime.cpp)

inline void append_part(Message& m, const TensorView& t) {
  m.append_all("tensor ", t.index, " '").append(t.name).append("'");
}
template <typename T>
inline void append_part(Message& m, const T& part) {
  m.append(part);
}

class PrepareContext {
 public:
  PrepareContext(PrepareState& state, const ModelView& model, const OperatorView& op)
      : state_(state), model_(model), op_(op) {}

  const ModelView& model() const { return model_; }
  const OperatorView& op() const { return op_; }
  RequantProfile profile() const;
  // The fixed CPU features of the build (kernels/isa.h bits).
  uint32_t cpu_features() const;
  // lowbit_micro_arena_size's pass: allocate() counts bytes and returns
  // nullptr; the operator must compute every size but write nothing.
  bool sizing() const;

  uint32_t num_inputs() const { return op_.inputs.count; }
  uint32_t num_outputs() const { return op_.outputs.count; }
  bool has_input(uint32_t i) const { return model_.op_input(op_, i) >= 0; }
  TensorView input(uint32_t i) const { return model_.tensor(model_.op_input(op_, i)); }
  TensorView output(uint32_t i) const { return model_.tensor(model_.op_output(op_, i)); }
  float scale(const TensorView& t, uint32_t i = 0) const { return model_.scale(t, i); }
  int32_t zero_point(const TensorView& t, uint32_t i = 0) const {
    return int32_t(model_.zero_point(t, i));
  }
  // A scalar field of the operator's options table (fallback: the schema's
  // default, for a writer that left it out).
  template <typename T>
  T option(int field_id, T fallback) const {
    return model_.reader().scalar<T>(op_.options, field_id, fallback);
  }

  // Persistent bytes from the arena's end, 16-byte aligned. False (with the
  // error set) when the arena is too small; in the sizing pass *memory is
  // nullptr and true.
  bool allocate(size_t bytes, void** memory);
  // Bytes of scratch invoke() gets (16-byte aligned), live only during this
  // operator. Several requests add up.
  void request_scratch(size_t bytes);
  // What invoke() receives as InvokeArgs::state.
  void set_state(const void* state);
  // The kernel this operator runs, for lowbit_micro_kernel_name (a string
  // with static storage).
  void set_kernel(const char* name);

  // Sets the error "<OP_TYPE> (operator N): <parts...>" and returns status.
  template <typename... Parts>
  lowbit_status fail(lowbit_status status, const Parts&... parts) {
    Message& m = begin_error(status);
    (append_part(m, parts), ...);
    return status;
  }

 private:
  Message& begin_error(lowbit_status status);

  PrepareState& state_;
  const ModelView& model_;
  const OperatorView& op_;
};

struct InvokeArgs {
  const void* state;
  const void* const* inputs;  // one per operator input; nullptr where absent
  void* const* outputs;
  void* scratch;  // the bytes request_scratch asked for
};

}  // namespace micro
}  // namespace lowbit

struct lowbit_micro_op {
  uint8_t type;  // schema/lowbit.fbs OpType
  lowbit_status (*prepare)(lowbit::micro::PrepareContext& ctx);
  void (*invoke)(const lowbit::micro::InvokeArgs& args);
};

namespace lowbit {
namespace micro {

// The first (best) variant of a kernel family whose required features the
// build's fixed features have; the last row of every family needs none.
template <typename Fn>
const KernelVariant<Fn>& pick_variant(KernelFamily<Fn> family, uint32_t features) {
  for (const KernelVariant<Fn>& row : family) {
    if ((row.required & ~features) == 0) return row;
  }
  return family[family.count - 1];
}

}  // namespace micro
}  // namespace lowbit
