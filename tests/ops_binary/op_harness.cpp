#include "op_harness.h"

#include <cstdlib>
#include <cstring>

namespace lowbit {
namespace testing {
namespace {

struct AlignedBuffer {
  explicit AlignedBuffer(size_t bytes)
      : data(static_cast<uint8_t*>(std::aligned_alloc(64, ((bytes + 63) / 64 + 1) * 64))) {
    std::memset(data, 0, ((bytes + 63) / 64 + 1) * 64);
  }
  ~AlignedBuffer() { std::free(data); }
  uint8_t* data;
};

class HarnessPrepare : public PrepareContext {
 public:
  HarnessPrepare(const GraphDesc& graph, int op_index, const KernelSelector& selector,
                 ThreadPool& pool)
      : graph_(graph), op_index_(op_index), selector_(selector), pool_(pool) {}
  const GraphDesc& graph() const override { return graph_; }
  const OperatorDesc& op() const override { return graph_.operators[op_index_]; }
  int op_index() const override { return op_index_; }
  RequantProfile profile() const override { return RequantProfile::kTfliteReference; }
  const KernelSelector& selector() const override { return selector_; }
  ThreadPool& pool() const override { return pool_; }
  void request_scratch(size_t bytes) override { scratch_bytes = std::max(scratch_bytes, bytes); }
  void* allocate_persistent(size_t bytes) override {
    persistent.push_back(std::make_unique<AlignedBuffer>(bytes));
    return persistent.back()->data;
  }
  size_t scratch_bytes = 0;
  std::vector<std::unique_ptr<AlignedBuffer>> persistent;

 private:
  const GraphDesc& graph_;
  int op_index_;
  const KernelSelector& selector_;
  ThreadPool& pool_;
};

class HarnessRun : public RunContext {
 public:
  HarnessRun(ThreadPool& pool) : pool_(pool) {}
  const void* input(size_t i) const override { return i < inputs.size() ? inputs[i] : nullptr; }
  void* output(size_t i) const override { return outputs[i]; }
  void* scratch() const override { return scratch_ptr; }
  ThreadPool& pool() const override { return pool_; }
  std::vector<const void*> inputs;
  std::vector<void*> outputs;
  void* scratch_ptr = nullptr;

 private:
  ThreadPool& pool_;
};

}  // namespace

Status validate_operator(const ModelBuilder& builder, int op_index) {
  const GraphDesc& graph = builder.graph();
  const OperatorDesc& op = graph.operators[op_index];
  const OpRegistration* reg = default_op_resolver().find(op.type);
  if (reg == nullptr) return Status(StatusCode::kUnsupported, "no registration");
  std::vector<Shape> shapes(op.outputs.size());
  return reg->validate(graph, op, shapes.data());
}

OpRun run_operator(const ModelBuilder& builder, int op_index,
                   const std::vector<std::vector<uint8_t>>& inputs, int num_threads,
                   const std::string& kernel_set) {
  OpRun result;
  const GraphDesc& graph = builder.graph();
  const OperatorDesc& op = graph.operators[op_index];
  const OpRegistration* reg = default_op_resolver().find(op.type);
  if (reg == nullptr) {
    result.status = Status(StatusCode::kUnsupported, "no registration");
    return result;
  }
  std::vector<Shape> shapes(op.outputs.size());
  result.status = reg->validate(graph, op, shapes.data());
  if (!result.status.ok()) return result;
  result.inferred_shape = shapes[0];
  Result<std::unique_ptr<OpKernel>> kernel = reg->create(graph, op);
  if (!kernel.ok()) {
    result.status = kernel.status();
    return result;
  }
  Result<KernelSelector> selector = KernelSelector::create(kernel_set, CpuFeatures::detect());
  if (!selector.ok()) {
    result.status = selector.status();
    return result;
  }
  ThreadPool pool(num_threads);
  HarnessPrepare prepare(graph, op_index, selector.value(), pool);
  result.status = kernel.value()->prepare(prepare);
  if (!result.status.ok()) return result;
  result.kernel = kernel.value()->name();

  HarnessRun run(pool);
  std::vector<std::unique_ptr<AlignedBuffer>> buffers;
  size_t next_input = 0;
  for (int t : op.inputs) {
    if (t == kAbsentInput) {
      run.inputs.push_back(nullptr);
      continue;
    }
    const TensorDesc& desc = graph.tensors[t];
    if (desc.is_constant()) {
      run.inputs.push_back(desc.data);
      continue;
    }
    size_t bytes = 0;
    storage_bytes(desc.dtype, desc.shape, &bytes);
    if (next_input >= inputs.size() || inputs[next_input].size() != bytes) {
      result.status = Status(StatusCode::kInvalidArgument, "test input size mismatch");
      return result;
    }
    buffers.push_back(std::make_unique<AlignedBuffer>(bytes));
    std::memcpy(buffers.back()->data, inputs[next_input++].data(), bytes);
    run.inputs.push_back(buffers.back()->data);
  }
  std::vector<size_t> out_bytes;
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    size_t bytes = 0;
    storage_bytes(graph.tensors[op.outputs[i]].dtype, shapes[i], &bytes);
    buffers.push_back(std::make_unique<AlignedBuffer>(bytes));
    // Poison the output so stale bytes cannot pass as results.
    std::memset(buffers.back()->data, 0xA5, bytes);
    run.outputs.push_back(buffers.back()->data);
    out_bytes.push_back(bytes);
  }
  buffers.push_back(std::make_unique<AlignedBuffer>(prepare.scratch_bytes));
  run.scratch_ptr = buffers.back()->data;
  result.status = kernel.value()->bind(run);
  if (!result.status.ok()) return result;
  result.status = kernel.value()->run(run);
  if (!result.status.ok()) return result;
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    const uint8_t* p = static_cast<const uint8_t*>(run.outputs[i]);
    result.outputs.emplace_back(p, p + out_bytes[i]);
  }
  return result;
}

}  // namespace testing
}  // namespace lowbit
