#include "convert/prepack.h"

#include <cstdlib>
#include <cstring>
#include <memory>

#include "format/lbm_format.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "ops/op_kernel.h"
#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace lowbit {
namespace {

struct OfferedData {
  std::string key;
  std::vector<uint8_t> bytes;
};

// Prepares one operator as the interpreter would (one thread, no scratch,
// nothing found prepared) and keeps what its kernel offers.
class PrepackContext final : public PrepareContext {
 public:
  PrepackContext(const GraphDesc& graph, int op_index, const KernelSelector& selector,
                 ThreadPool& pool)
      : graph_(graph), op_index_(op_index), selector_(selector), pool_(pool) {}

  const GraphDesc& graph() const override { return graph_; }
  const OperatorDesc& op() const override { return graph_.operators[op_index_]; }
  int op_index() const override { return op_index_; }
  RequantProfile profile() const override {
    return operator_requant_profile(InterpreterOptions().profile, op().type);
  }
  const KernelSelector& selector() const override { return selector_; }
  ThreadPool& pool() const override { return pool_; }
  void request_scratch(size_t /*bytes*/) override {}
  void* allocate_persistent(size_t bytes) override {
    const size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
    if (p == nullptr) return nullptr;
    std::memset(p, 0, rounded == 0 ? 64 : rounded);
    memory_.emplace_back(p);
    return p;
  }
  const void* find_prepared(const std::string& /*key*/, size_t /*bytes*/) const override {
    return nullptr;
  }
  void offer_prepared(const std::string& key, const void* data, size_t bytes) override {
    for (const OfferedData& o : offered_) {
      if (o.key == key) return;
    }
    const auto* p = static_cast<const uint8_t*>(data);
    offered_.push_back({key, bytes ? std::vector<uint8_t>(p, p + bytes) : std::vector<uint8_t>()});
  }
  std::vector<OfferedData>& offered() { return offered_; }

 private:
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  const GraphDesc& graph_;
  int op_index_;
  const KernelSelector& selector_;
  ThreadPool& pool_;
  std::vector<std::unique_ptr<void, Free>> memory_;
  std::vector<OfferedData> offered_;
};

Result<KernelSelector> prepack_selector(const std::string& target) {
  if (target == "auto") return KernelSelector::create("auto", CpuFeatures::detect());
  const IsaInfo* isa = find_isa(target.c_str());
  if (isa == nullptr) return check_prepack_target(target);
  // The kernels a CPU with exactly this ISA would select: packing is plain
  // C++, so any machine can pack for any ISA.
  CpuFeatures cpu;
  cpu.mask = isa->features;
  return KernelSelector::create(target, cpu);
}

// The operators whose prepare offers prepared data.
bool prepacked_operator(OpType type) {
  return type == OpType::kConv2D || type == OpType::kDepthwiseConv2D ||
         type == OpType::kFullyConnected || type == OpType::kLogistic;
}

}  // namespace

Status check_prepack_target(const std::string& target) {
  if (target == "none" || target == "auto" || find_isa(target.c_str()) != nullptr) {
    return Status::Ok();
  }
  return Status(StatusCode::kInvalidArgument, "unknown prepack target '" + target +
                                                  "' (known: none auto " +
                                                  KernelSelector::isa_names() + ")");
}

Result<std::vector<uint8_t>> prepack_model(const std::vector<uint8_t>& bytes,
                                           const PrepackOptions& options,
                                           PrepackSummary* summary) {
  *summary = PrepackSummary();
  LOWBIT_RETURN_IF_ERROR(check_prepack_target(options.target));
  if (options.target == "none") return bytes;
  Result<std::shared_ptr<const Model>> loaded = Model::from_buffer(bytes.data(), bytes.size());
  // A model the runtime would refuse is still converted (the runtime names
  // the fault when it loads it, and lowbit micro may run what it refuses):
  // it just carries no prepared data.
  if (!loaded.ok()) return bytes;
  const Model& model = *loaded.value();
  Result<KernelSelector> selector = prepack_selector(options.target);
  if (!selector.ok()) return selector.status();
  ThreadPool pool(1);

  GraphDesc graph = model.graph();
  std::vector<std::vector<OfferedData>> offered(graph.operators.size());
  for (size_t i = 0; i < graph.operators.size(); ++i) {
    OperatorDesc& op = graph.operators[i];
    op.prepared.clear();
    const DType input_dtype = graph.tensors[op.inputs[0]].dtype;
    const OpRegistration* reg = model.op_registration(i);
    if (!prepacked_operator(op.type) || reg == nullptr ||
        (input_dtype != DType::kInt8 && input_dtype != DType::kUInt8)) {
      continue;
    }
    Result<std::unique_ptr<OpKernel>> kernel = reg->create(model.graph(), model.graph().operators[i]);
    if (!kernel.ok()) continue;
    PrepackContext ctx(model.graph(), static_cast<int>(i), selector.value(), pool);
    if (!kernel.value()->prepare(ctx).ok()) continue;
    offered[i] = std::move(ctx.offered());
  }
  for (size_t i = 0; i < graph.operators.size(); ++i) {
    for (const OfferedData& o : offered[i]) {
      graph.operators[i].prepared.push_back({o.key, o.bytes.data(), o.bytes.size()});
      summary->bytes += o.bytes.size();
    }
    if (!offered[i].empty()) ++summary->operators;
  }
  return serialize_graph(graph);
}

}  // namespace lowbit
