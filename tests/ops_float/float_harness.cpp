#include "float_harness.h"

#include <xnnpack.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include "ops/float/float_kernels.h"
#include "ops/op_kernel.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace lowbit {
namespace testing {
namespace {

// Heap block with XNN_EXTRA_BYTES of slack and a sentinel-filled tail.
struct Buffer {
  explicit Buffer(size_t bytes, size_t guard_bytes = 64)
      : size(bytes), storage(bytes + guard_bytes + XNN_EXTRA_BYTES, 0xA5) {}
  void* data() { return storage.data(); }
  bool tail_intact() const {
    for (size_t i = size; i < storage.size(); ++i) {
      if (storage[i] != 0xA5) return false;
    }
    return true;
  }
  size_t size;
  std::vector<uint8_t> storage;
};

class TestPrepareContext final : public PrepareContext {
 public:
  TestPrepareContext(const GraphDesc& graph, const KernelSelector& selector, ThreadPool& pool)
      : graph_(graph), selector_(selector), pool_(pool) {}
  const GraphDesc& graph() const override { return graph_; }
  const OperatorDesc& op() const override { return graph_.operators[0]; }
  int op_index() const override { return 0; }
  RequantProfile profile() const override { return RequantProfile::kTfliteReference; }
  const KernelSelector& selector() const override { return selector_; }
  ThreadPool& pool() const override { return pool_; }
  void request_scratch(size_t bytes) override {
    if (bytes > scratch_bytes) scratch_bytes = bytes;
  }
  void* allocate_persistent(size_t bytes) override {
    persistent.emplace_back(new uint64_t[(bytes + 7) / 8 + 8]());
    return persistent.back().get();
  }
  size_t scratch_bytes = 0;
  std::vector<std::unique_ptr<uint64_t[]>> persistent;

 private:
  const GraphDesc& graph_;
  const KernelSelector& selector_;
  ThreadPool& pool_;
};

class TestRunContext final : public RunContext {
 public:
  explicit TestRunContext(ThreadPool& pool) : pool_(pool) {}
  const void* input(size_t i) const override { return inputs[i]; }
  void* output(size_t i) const override { return outputs[i]; }
  void* scratch() const override { return scratch_ptr; }
  ThreadPool& pool() const override { return pool_; }
  std::vector<const void*> inputs;
  std::vector<void*> outputs;
  void* scratch_ptr = nullptr;

 private:
  ThreadPool& pool_;
};

// Creating and joining pthreads per run dominates these small kernels, so each
// thread count gets one pool for the whole test binary.
ThreadPool& shared_pool(int num_threads) {
  static std::map<int, std::unique_ptr<ThreadPool>> pools;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<ThreadPool>& pool = pools[num_threads];
  if (!pool) pool = std::make_unique<ThreadPool>(num_threads);
  return *pool;
}

}  // namespace

int SingleOpGraph::add_tensor(TensorDesc desc) {
  desc.name = "t" + std::to_string(graph_.tensors.size());
  graph_.tensors.push_back(std::move(desc));
  return static_cast<int>(graph_.tensors.size() - 1);
}

int SingleOpGraph::add_input(Shape shape, DType dtype) {
  TensorDesc t;
  t.dtype = dtype;
  t.shape = shape;
  const int index = add_tensor(t);
  graph_.inputs.push_back(index);
  return index;
}

int SingleOpGraph::add_constant(Shape shape, std::vector<float> values) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(bytes->data(), values.data(), bytes->size());
  storage_.push_back(bytes);
  TensorDesc t;
  t.shape = shape;
  t.data = bytes->data();
  t.data_bytes = bytes->size();
  return add_tensor(t);
}

int SingleOpGraph::add_int32_constant(Shape shape, std::vector<int32_t> values) {
  auto bytes = std::make_shared<std::vector<uint8_t>>(values.size() * sizeof(int32_t));
  if (!values.empty()) std::memcpy(bytes->data(), values.data(), bytes->size());
  storage_.push_back(bytes);
  TensorDesc t;
  t.dtype = DType::kInt32;
  t.shape = shape;
  t.data = bytes->data();
  t.data_bytes = bytes->size();
  return add_tensor(t);
}

int SingleOpGraph::add_output(Shape shape) {
  TensorDesc t;
  t.shape = shape;
  const int index = add_tensor(t);
  graph_.outputs.push_back(index);
  return index;
}

void SingleOpGraph::set_op(OpType type, std::vector<int> inputs, OpOptions options) {
  OperatorDesc op;
  op.type = type;
  op.name = "op_under_test";
  op.inputs = std::move(inputs);
  op.outputs = graph_.outputs;
  op.options = std::move(options);
  graph_.operators.assign(1, op);
}

static void fill_inputs(const GraphDesc& graph, const std::vector<std::vector<float>>& values,
                        std::vector<Buffer>& buffers) {
  size_t next = 0;
  for (size_t i = 0; i < graph.operators[0].inputs.size(); ++i) {
    const int t = graph.operators[0].inputs[i];
    if (t < 0 || graph.tensors[t].is_constant()) continue;
    const std::vector<float>& v = values.at(next);
    std::memcpy(buffers[i].data(), v.data(), std::min(buffers[i].size, v.size() * sizeof(float)));
    ++next;
  }
}

KernelRun SingleOpGraph::run(const std::vector<std::vector<float>>& inputs, int num_threads,
                             const std::vector<std::vector<float>>* rerun_inputs,
                             FloatKernels float_kernels) const {
  KernelRun result;
  // $LOWBIT_KERNEL as the interpreter reads it, so forced kernel sets reach
  // the own float kernels here too.
  const char* kernel_set = std::getenv("LOWBIT_KERNEL");
  Result<KernelSelector> selector = KernelSelector::create(
      kernel_set != nullptr && *kernel_set != '\0' ? kernel_set : "auto", CpuFeatures::detect());
  if (!selector.ok()) {
    result.status = selector.status();
    return result;
  }
  result.status = resolve_float_kernels(&float_kernels);
  if (!result.status.ok()) return result;
  selector.value().set_float_kernels(float_kernels);
  ThreadPool& pool = shared_pool(num_threads);
  const OperatorDesc& op = graph_.operators.at(0);
  Result<std::unique_ptr<OpKernel>> created = create_float_kernel(graph_, op);
  if (!created.ok()) {
    result.status = created.status();
    return result;
  }
  std::unique_ptr<OpKernel> kernel = std::move(created.value());
  TestPrepareContext prepare_ctx(graph_, selector.value(), pool);
  result.status = kernel->prepare(prepare_ctx);
  result.kernel_name = kernel->name();
  result.macs = kernel->macs();
  if (!result.status.ok()) return result;

  std::vector<Buffer> in_buffers;
  TestRunContext run_ctx(pool);
  for (int t : op.inputs) {
    const bool arena = t >= 0 && !graph_.tensors[t].is_constant();
    const size_t elements = arena ? size_t(graph_.tensors[t].shape.num_elements()) : 0;
    in_buffers.emplace_back(elements * sizeof(float));
    run_ctx.inputs.push_back(t < 0 ? nullptr
                             : arena ? in_buffers.back().data()
                                     : graph_.tensors[t].data);
  }
  fill_inputs(graph_, inputs, in_buffers);
  const int64_t out_count = graph_.tensors[op.outputs[0]].shape.num_elements();
  // The harness's graphs are small: a negative or huge count is a broken
  // shape, and the bound (1 GiB of floats) keeps the byte sizes below from
  // overflowing, on 32-bit targets too.
  constexpr int64_t kMaxOutElements = int64_t(1) << 28;
  if (out_count < 0 || out_count > kMaxOutElements) {
    result.status = Status(StatusCode::kInternal,
                           "test harness: output element count " + std::to_string(out_count));
    return result;
  }
  const size_t out_elements = static_cast<size_t>(out_count);
  Buffer out_buffer(out_elements * sizeof(float));
  // NaN everywhere, so an element the kernel never writes cannot pass.
  std::vector<float> nan_fill(out_elements, std::nanf(""));
  if (out_elements) std::memcpy(out_buffer.data(), nan_fill.data(), out_buffer.size);
  run_ctx.outputs.push_back(out_buffer.data());
  Buffer scratch(prepare_ctx.scratch_bytes);
  run_ctx.scratch_ptr = prepare_ctx.scratch_bytes ? scratch.data() : nullptr;

  result.status = kernel->bind(run_ctx);
  if (!result.status.ok()) return result;
  result.status = kernel->run(run_ctx);
  if (!result.status.ok()) return result;
  if (rerun_inputs != nullptr) {
    fill_inputs(graph_, *rerun_inputs, in_buffers);
    result.status = kernel->run(run_ctx);
    if (!result.status.ok()) return result;
  }
  result.output.resize(out_elements);
  if (out_elements) std::memcpy(result.output.data(), out_buffer.data(), out_buffer.size);
  result.guard_intact = out_buffer.tail_intact();
  return result;
}

bool all_close(const std::vector<float>& actual, const std::vector<double>& expected,
               const std::vector<double>& magnitude, double rel_tol, double abs_tol,
               std::string* message) {
  if (actual.size() != expected.size()) {
    *message = "size " + std::to_string(actual.size()) + " vs expected " +
               std::to_string(expected.size());
    return false;
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    const double diff = std::fabs(double(actual[i]) - expected[i]);
    const double scale = magnitude.empty() ? 1.0 : magnitude[i];
    if (!(diff <= abs_tol * scale + rel_tol * std::fabs(expected[i]))) {
      *message = "index " + std::to_string(i) + ": got " + std::to_string(actual[i]) +
                 ", expected " + std::to_string(expected[i]);
      return false;
    }
  }
  return true;
}

bool bit_identical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

FloatDifference float_difference(const std::vector<float>& a, const std::vector<float>& b) {
  FloatDifference d;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double diff = std::fabs(double(a[i]) - double(b[i]));
    d.max_abs = std::max(d.max_abs, diff);
    if (b[i] != 0.0f) d.max_rel = std::max(d.max_rel, diff / std::fabs(double(b[i])));
  }
  return d;
}

}  // namespace testing
}  // namespace lowbit
