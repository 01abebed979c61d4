// The static thread cost model (runtime/thread_cost_model.h) and how the
// interpreter applies it (the pool itself: thread_pool_test.cpp).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "lowbit/interpreter.h"
#include "lowbit/model_builder.h"
#include "runtime/arena_size.h"
#include "runtime/interpreter_impl.h"
#include "runtime/thread_cost_model.h"
#include "support/blocks.h"

using namespace lowbit;

namespace {

// The model uses its file's bytes in place when they happen to be 64-byte
// aligned, so the returned pointer keeps them alive too.
std::shared_ptr<const Model> int8_block(int height, int width, int channels) {
  struct ModelAndBytes {
    std::vector<uint8_t> bytes;
    std::shared_ptr<const Model> model;
  };
  ModelBuilder b;
  testing::build_int8_block(b, height, width, channels, 4, 3);
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  auto owner = std::make_shared<ModelAndBytes>();
  owner->bytes = std::move(bytes.value());
  auto model = Model::from_buffer(owner->bytes.data(), owner->bytes.size());
  REQUIRE(model.ok());
  owner->model = model.value();
  return std::shared_ptr<const Model>(owner, owner->model.get());
}

InterpreterOptions cost_model_options(int threads) {
  InterpreterOptions options;
  options.num_threads = threads;
  options.thread_policy = ThreadPolicy::kCostModel;
  return options;
}

std::vector<int> operator_threads(const Interpreter& interp) {
  std::vector<int> threads;
  for (size_t i = 0; i < interp.model().graph().operators.size(); ++i) {
    threads.push_back(interp.operator_threads(static_cast<int>(i)));
  }
  return threads;
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

}  // namespace

TEST_CASE("thread cost model: MACs counted from shapes match the kernels'", "[runtime][threads]") {
  auto model = int8_block(56, 56, 64);
  Interpreter interp(model, cost_model_options(2));
  REQUIRE(interp.prepare().ok());
  const ThreadCostModel cost = ThreadCostModel::for_build(false);
  const GraphDesc& graph = model->graph();
  REQUIRE(graph.operators.size() == 4);
  for (int i = 0; i < 3; ++i) {  // the two 1x1 convolutions and the depthwise
    INFO("operator " << i);
    CHECK(cost.estimate(graph, i).macs == double(interp.operator_macs(i)));
    CHECK(cost.estimate(graph, i).macs > 0);
  }
  CHECK(cost.estimate(graph, 3).macs == 0);  // the ADD moves bytes
  CHECK(cost.estimate(graph, 3).serial_ns > 0);
}

TEST_CASE("thread cost model: small operators stay serial, large ones are split",
          "[runtime][threads]") {
  ThreadCostModel cost = ThreadCostModel::for_build(false);
  cost.handoff_ns = 1000;
  // Worth it only from kHandoffsPerShare hand-offs per thread's share.
  const double even = ThreadCostModel::kHandoffsPerShare * 1000 * 2;
  CHECK(cost.threads_for({even * 1.01, 0, 1}, 2) == 2);
  CHECK(cost.threads_for({even * 0.99, 0, 1}, 2) == 1);
  CHECK(cost.threads_for({even * 1.01, 0, 1}, 1) == 1);  // one thread is all there is
  CHECK(cost.threads_for({even * 1.01, 0, 1}, 3) == 1);  // a third share is too small
  CHECK(cost.threads_for({even * 1.51, 0, 1}, 3) == 3);
  // A recurrent cell pays the hand-off per time step.
  CHECK(cost.threads_for({even * 1.01 * 20, 0, 20}, 2) == 2);
  CHECK(cost.threads_for({even * 1.01 * 20, 0, 40}, 2) == 1);

  // In a model: the 56x56x64 block's convolutions are split at 2 threads, the
  // 4x4x8 block (a few thousand MACs) runs entirely on the calling thread.
  // The hand-off is pinned: the build's own differs per target (armv7: 5 us).
  ScopedEnv handoff("LOWBIT_THREAD_HANDOFF_NS", "1000");
  Interpreter big(int8_block(56, 56, 64), cost_model_options(2));
  REQUIRE(big.prepare().ok());
  CHECK(operator_threads(big) == std::vector<int>{2, 2, 2, 2});
  Interpreter tiny(int8_block(4, 4, 8), cost_model_options(2));
  REQUIRE(tiny.prepare().ok());
  CHECK(operator_threads(tiny) == std::vector<int>{1, 1, 1, 1});
  InterpreterOptions every = cost_model_options(2);
  every.thread_policy = ThreadPolicy::kEveryOperator;
  Interpreter tiny_every(int8_block(4, 4, 8), every);
  REQUIRE(tiny_every.prepare().ok());
  CHECK(operator_threads(tiny_every) == std::vector<int>{2, 2, 2, 2});
}

TEST_CASE("thread cost model: a model whose split would save little stays serial",
          "[runtime][threads]") {
  // A hand-off just above what the ADD's half is worth: the ADD alone is
  // serial. Then wake-ups dearer than all the split saves: everything is.
  ThreadCostModel cost = ThreadCostModel::for_build(false);
  auto model = int8_block(56, 56, 64);
  const GraphDesc& graph = model->graph();
  cost.handoff_ns = cost.estimate(graph, 3).serial_ns / (2 * ThreadCostModel::kHandoffsPerShare) * 1.01;
  CHECK(cost.plan(graph, 2) == std::vector<int>{2, 2, 2, 1});
  cost.wake_ns = 1e9;
  CHECK(cost.plan(graph, 2) == std::vector<int>{1, 1, 1, 1});
}

TEST_CASE("thread cost model: same model and thread count, same decisions", "[runtime][threads]") {
  auto model = int8_block(56, 56, 64);
  // The ADD (600 KB of bytes) is serial at a 6 us hand-off, the others split.
  ScopedEnv handoff("LOWBIT_THREAD_HANDOFF_NS", "6000");
  for (int threads : {1, 2, 3}) {
    INFO(threads << " threads");
    Interpreter a(model, cost_model_options(threads));
    Interpreter b(model, cost_model_options(threads));
    REQUIRE(a.prepare().ok());
    REQUIRE(b.prepare().ok());
    CHECK(operator_threads(a) == operator_threads(b));
    if (threads == 1) CHECK(operator_threads(a) == std::vector<int>{1, 1, 1, 1});
    if (threads == 2) CHECK(operator_threads(a) == std::vector<int>{2, 2, 2, 1});
    // The sizing pass (lowbit_arena_size) decides the same: the same arena.
    ArenaSizes sizes;
    REQUIRE(size_arena(model, cost_model_options(threads), &sizes).ok());
    CHECK(sizes.arena_capacity == a.required_arena_capacity());
    CHECK(sizes.persistent_bytes == a.packed_weight_bytes());
    CHECK(plan_operator_threads(model->graph(), ThreadPolicy::kCostModel, false, threads, 6000) ==
          operator_threads(a));
  }
}

TEST_CASE("thread cost model: outputs do not depend on the thread count", "[runtime][threads]") {
  auto model = int8_block(56, 56, 64);
  ScopedEnv handoff("LOWBIT_THREAD_HANDOFF_NS", "6000");  // split and serial operators
  std::vector<uint8_t> first;
  for (int threads : {1, 2, 3}) {
    Interpreter interp(model, cost_model_options(threads));
    REQUIRE(interp.prepare().ok());
    TensorView in = interp.input(0);
    std::mt19937 same(11);
    for (size_t i = 0; i < in.bytes; ++i) static_cast<uint8_t*>(in.data)[i] = uint8_t(same());
    for (int run = 0; run < 3; ++run) REQUIRE(interp.invoke().ok());
    TensorView out = interp.output(0);
    const auto* bytes = static_cast<const uint8_t*>(out.data);
    if (first.empty()) {
      first.assign(bytes, bytes + out.bytes);
    } else {
      INFO(threads << " threads");
      REQUIRE(out.bytes == first.size());
      CHECK(std::memcmp(bytes, first.data(), out.bytes) == 0);
    }
  }
}

TEST_CASE("thread cost model: bad LOWBIT_THREAD_* values are refused by name",
          "[runtime][threads]") {
  auto model = int8_block(4, 4, 8);
  InterpreterOptions options;
  options.num_threads = 2;
  options.thread_policy = ThreadPolicy::kDefault;
  {
    ScopedEnv policy("LOWBIT_THREAD_POLICY", "fastest");
    Interpreter interp(model, options);
    const Status s = interp.prepare();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().find("LOWBIT_THREAD_POLICY=fastest") != std::string::npos);
  }
  for (const char* bad : {"-5", "abc", "0", "12us"}) {
    ScopedEnv handoff("LOWBIT_THREAD_HANDOFF_NS", bad);
    Interpreter interp(model, cost_model_options(2));
    const Status s = interp.prepare();
    INFO(bad << ": " << s.to_string());
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().find("LOWBIT_THREAD_HANDOFF_NS") != std::string::npos);
  }
  {
    ScopedEnv policy("LOWBIT_THREAD_POLICY", "every_operator");
    Interpreter interp(model, options);
    REQUIRE(interp.prepare().ok());
    CHECK(operator_threads(interp) == std::vector<int>{2, 2, 2, 2});
  }
}
