// Interpreter::Impl::plan_threads: which operators run on the pool's threads
// and which on the calling thread alone (ThreadPolicy), and the pools.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "runtime/interpreter_impl.h"
#include "runtime/thread_cost_model.h"

namespace lowbit {
namespace {

Status resolve_thread_policy(ThreadPolicy* policy) {
  if (*policy != ThreadPolicy::kDefault) return Status::Ok();
  const char* env = std::getenv("LOWBIT_THREAD_POLICY");
  const std::string name = env != nullptr ? env : "";
  if (name.empty() || name == "cost_model") {
    *policy = ThreadPolicy::kCostModel;
  } else if (name == "every_operator") {
    *policy = ThreadPolicy::kEveryOperator;
  } else {
    return Status(StatusCode::kInvalidArgument,
                  "LOWBIT_THREAD_POLICY=" + name + ": expected cost_model or every_operator");
  }
  return Status::Ok();
}

// $LOWBIT_THREAD_HANDOFF_NS replaces the build's hand-off constant (to tune
// the cost model on a new CPU; docs/api.md, "Threads"). Unset: 0.
Status handoff_override(double* ns) {
  *ns = 0;
  const char* env = std::getenv("LOWBIT_THREAD_HANDOFF_NS");
  if (env == nullptr || *env == '\0') return Status::Ok();
  char* end = nullptr;
  const double value = std::strtod(env, &end);
  if (end == nullptr || *end != '\0' || !(value > 0) || value > 1e9) {
    return Status(StatusCode::kInvalidArgument, std::string("LOWBIT_THREAD_HANDOFF_NS=") + env +
                                                    ": expected a number of nanoseconds > 0");
  }
  *ns = value;
  return Status::Ok();
}

}  // namespace

std::vector<int> plan_operator_threads(const GraphDesc& graph, ThreadPolicy policy,
                                       bool reference_kernels, int max_threads,
                                       double handoff_ns) {
  if (policy == ThreadPolicy::kEveryOperator) {
    return std::vector<int>(graph.operators.size(), std::max(1, max_threads));
  }
  ThreadCostModel cost = ThreadCostModel::for_build(reference_kernels);
  if (handoff_ns > 0) cost.handoff_ns = handoff_ns;
  return cost.plan(graph, max_threads);
}

Status Interpreter::Impl::plan_threads() {
  LOWBIT_RETURN_IF_ERROR(resolve_thread_policy(&options.thread_policy));
  const GraphDesc& graph = model->graph();
  const bool reference = selector->kernel_set() == "reference";
  double handoff_ns = 0;
  LOWBIT_RETURN_IF_ERROR(handoff_override(&handoff_ns));
  op_threads = plan_operator_threads(graph, options.thread_policy, reference, options.num_threads,
                                     handoff_ns);
  serial_pool = std::make_unique<ThreadPool>(1);
  if (sizing) {
    // lowbit_arena_size's pass starts no threads; the plan is the same.
    pool = ThreadPool::planned(options.num_threads);
    return Status::Ok();
  }
  // Workers only when some operator is split: a model the cost model keeps
  // on the calling thread starts none.
  const bool split = std::any_of(op_threads.begin(), op_threads.end(), [](int t) { return t > 1; });
  pool = std::make_unique<ThreadPool>(split ? options.num_threads : 1);
  if (pool->num_threads() < options.num_threads && split) {
    // The threads could not be started: every operator runs on the caller.
    std::fill(op_threads.begin(), op_threads.end(), 1);
  }
  return Status::Ok();
}

}  // namespace lowbit
