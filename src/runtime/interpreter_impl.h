// Interpreter internals shared by its prepare and invoke paths.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "lowbit/interpreter.h"
#include "ops/op_kernel.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace lowbit {

// Memory the interpreter owns, 64-byte aligned.
struct AlignedBuffer {
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, Free> data;
  size_t bytes = 0;

  static bool allocate(size_t bytes, AlignedBuffer* out);  // zeroed
};

// Operand addresses of one operator, fixed after the memory plan.
class OperatorRunContext final : public RunContext {
 public:
  const void* input(size_t i) const override { return i < inputs.size() ? inputs[i] : nullptr; }
  void* output(size_t i) const override { return i < outputs.size() ? outputs[i] : nullptr; }
  void* scratch() const override { return scratch_ptr; }
  ThreadPool& pool() const override { return *thread_pool; }

  std::vector<const void*> inputs;
  std::vector<void*> outputs;
  void* scratch_ptr = nullptr;
  ThreadPool* thread_pool = nullptr;
};

struct PreparedOperator {
  std::unique_ptr<OpKernel> kernel;
  size_t scratch_bytes = 0;
  OperatorRunContext run_context;
};

// Threads per operator (1 or max_threads) under a resolved policy: the
// static cost model (runtime/thread_cost_model.h) or every operator split.
// A pure function of its arguments, so prepare and the sizing pass agree.
// handoff_ns > 0 replaces the build's hand-off constant.
std::vector<int> plan_operator_threads(const GraphDesc& graph, ThreadPolicy policy,
                                       bool reference_kernels, int max_threads,
                                       double handoff_ns = 0);

struct Interpreter::Impl {
  std::shared_ptr<const Model> model;
  InterpreterOptions options;
  bool prepared = false;
  Status prepare_status = Status(StatusCode::kFailedPrecondition, "prepare() has not been called");

  std::unique_ptr<KernelSelector> selector;
  std::unique_ptr<ThreadPool> pool;
  // The calling thread alone: the pool of every operator the cost model
  // keeps serial (plan_threads), so it prepares and runs as at num_threads 1.
  std::unique_ptr<ThreadPool> serial_pool;
  std::vector<int> op_threads;  // per operator: 1 or pool->num_threads()
  ThreadPool& pool_for(int op_index) const {
    return op_threads[op_index] > 1 ? *pool : *serial_pool;
  }
  std::vector<PreparedOperator> ops;
  std::vector<AlignedBuffer> persistent;
  size_t persistent_bytes = 0;
  AlignedBuffer arena;           // empty when the caller supplies the arena
  uint8_t* arena_base = nullptr;  // 64-byte aligned start of the planned buffers
  size_t arena_plan_bytes = 0;
  size_t unshared_arena_bytes = 0;
  std::vector<void*> tensor_data;  // per tensor: arena address or constant data
  std::vector<size_t> tensor_bytes;
  std::vector<bool> flipped_uint8;  // per tensor (runtime/flipped_uint8.h); empty: none

  // lowbit_arena_size's pass (runtime/arena_size.h): kernels are prepared
  // with PrepareContext::sizing_only(), the plan stops before the arena.
  bool sizing = false;
  std::vector<AlignedBuffer> sizing_chunks;
  size_t sizing_used = 0;  // bytes handed out of the last chunk
  void* sizing_memory(size_t bytes);

  bool profiling = false;
  std::vector<OperatorProfile> profile;

  Status prepare();
  // Threads per operator (ThreadPolicy, runtime/thread_cost_model.h), from
  // the graph's shapes alone, before the kernels size their scratch.
  Status plan_threads();
  Status create_kernels();
  Status plan_and_bind();
  Status place_arena();  // the interpreter's own arena, or options.arena
  void reset_state();    // variable tensors back to their initial value

  static constexpr size_t kArenaAlignment = 64;
  size_t required_arena_capacity() const {
    return arena_plan_bytes == 0 ? 0 : arena_plan_bytes + kArenaAlignment - 1;
  }
  TensorView view(int tensor_index) const;
};

}  // namespace lowbit
