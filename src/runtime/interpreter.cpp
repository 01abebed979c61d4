#include "lowbit/interpreter.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "graph/memory_planner.h"
#include "runtime/interpreter_impl.h"
#include "runtime/api_guard.h"
#include "runtime/arena_size.h"
#include "runtime/flipped_uint8.h"

namespace lowbit {

// The byte before the aligned address holds its distance (1..64) from what
// calloc returned.
void AlignedBuffer::Free::operator()(uint8_t* p) const { std::free(p - p[-1]); }

// calloc rather than aligned_alloc and memset: large blocks come zeroed from
// the kernel and calloc skips clearing them again, which was a whole pass
// over every packed weight and the arena at prepare.
bool AlignedBuffer::allocate(size_t bytes, AlignedBuffer* out) {
  const size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded < bytes || rounded > SIZE_MAX - 128) return false;
  auto* raw = static_cast<uint8_t*>(std::calloc(1, (rounded == 0 ? 64 : rounded) + 64));
  if (raw == nullptr) return false;
  const size_t offset = 64 - reinterpret_cast<uintptr_t>(raw) % 64;
  uint8_t* p = raw + offset;
  p[-1] = static_cast<uint8_t>(offset);
  out->data.reset(p);
  out->bytes = bytes;
  return true;
}

namespace {

class OperatorPrepareContext final : public PrepareContext {
 public:
  OperatorPrepareContext(Interpreter::Impl& impl, int op_index, PreparedOperator& prepared)
      : impl_(impl), op_index_(op_index), prepared_(prepared) {}

  const GraphDesc& graph() const override { return impl_.model->graph(); }
  const OperatorDesc& op() const override { return graph().operators[op_index_]; }
  int op_index() const override { return op_index_; }
  RequantProfile profile() const override {
    return operator_requant_profile(impl_.options.profile, op().type);
  }
  const KernelSelector& selector() const override { return *impl_.selector; }
  ThreadPool& pool() const override { return impl_.pool_for(op_index_); }
  bool stored_flipped(int tensor) const override {
    return tensor >= 0 && static_cast<size_t>(tensor) < impl_.flipped_uint8.size() &&
           impl_.flipped_uint8[tensor];
  }

  void request_scratch(size_t bytes) override {
    if (bytes > prepared_.scratch_bytes) prepared_.scratch_bytes = bytes;
  }

  bool sizing_only() const override { return impl_.sizing; }
  void reserve_persistent(size_t bytes) override { impl_.persistent_bytes += bytes; }

  void* allocate_persistent(size_t bytes) override {
    if (impl_.sizing) {
      impl_.persistent_bytes += bytes;
      return impl_.sizing_memory(bytes);
    }
    AlignedBuffer buffer;
    if (!AlignedBuffer::allocate(bytes, &buffer)) return nullptr;
    void* p = buffer.data.get();
    impl_.persistent_bytes += bytes;
    impl_.persistent.push_back(std::move(buffer));
    return p;
  }

 private:
  Interpreter::Impl& impl_;
  int op_index_;
  PreparedOperator& prepared_;
};

Status with_operator(const GraphDesc& graph, int op_index, const Status& status) {
  return Status(status.code(), describe_operator(graph, op_index) + ": " + status.message());
}

}  // namespace

Status Interpreter::Impl::create_kernels() {
  const GraphDesc& graph = model->graph();
  ops.clear();
  ops.resize(graph.operators.size());
  for (size_t i = 0; i < graph.operators.size(); ++i) {
    const OperatorDesc& op = graph.operators[i];
    // Loading resolved and validated every operator, so reg is set.
    const OpRegistration* reg = model->op_registration(i);
    if (reg == nullptr || reg->type != op.type) {
      return Status(StatusCode::kInternal,
                    describe_operator(graph, static_cast<int>(i)) + ": no implementation resolved");
    }
    Result<std::unique_ptr<OpKernel>> kernel = reg->create(graph, op);
    if (!kernel.ok()) return with_operator(graph, static_cast<int>(i), kernel.status());
    ops[i].kernel = std::move(kernel.value());
    OperatorPrepareContext ctx(*this, static_cast<int>(i), ops[i]);
    Status s = ops[i].kernel->prepare(ctx);
    if (!s.ok()) return with_operator(graph, static_cast<int>(i), s);
  }
  return Status::Ok();
}

Status Interpreter::Impl::plan_and_bind() {
  const GraphDesc& graph = model->graph();
  const int num_ops = static_cast<int>(graph.operators.size());
  const int last_op = num_ops > 0 ? num_ops - 1 : 0;
  const size_t num_tensors = graph.tensors.size();

  // Lifetime of each non-constant tensor: from its producer to its last
  // consumer. Graph inputs and outputs live throughout, so inputs survive
  // repeated invokes and outputs survive until the caller reads them.
  std::vector<int> first(num_tensors, -1), last(num_tensors, -1);
  auto touch = [&](int t, int op) {
    if (t < 0 || graph.tensors[t].is_constant()) return;
    if (first[t] < 0 || op < first[t]) first[t] = op;
    if (op > last[t]) last[t] = op;
  };
  for (int i = 0; i < num_ops; ++i) {
    for (int t : graph.operators[i].outputs) touch(t, i);
    for (int t : graph.operators[i].inputs) touch(t, i);
  }
  for (int t : graph.inputs) touch(t, 0), touch(t, last_op);
  // Recurrent state must survive between invokes: live throughout, never shared.
  for (size_t t = 0; t < num_tensors; ++t) {
    if (graph.tensors[t].is_variable) touch(static_cast<int>(t), 0), touch(static_cast<int>(t), last_op);
  }
  for (int t : graph.outputs) touch(t, 0), touch(t, last_op);

  std::vector<BufferLifetime> buffers;
  std::vector<int> buffer_tensor;  // tensor index, or -(op+1) for an op's scratch
  buffers.reserve(num_tensors + ops.size());
  buffer_tensor.reserve(num_tensors + ops.size());
  tensor_bytes.assign(num_tensors, 0);
  for (size_t t = 0; t < num_tensors; ++t) {
    const TensorDesc& desc = graph.tensors[t];
    size_t bytes = 0;
    if (!storage_bytes(desc.dtype, desc.shape, &bytes)) {
      return Status(StatusCode::kInvalidModel, describe_tensor(graph, static_cast<int>(t)) +
                                                   ": size overflows");
    }
    tensor_bytes[t] = desc.is_constant() ? desc.data_bytes : bytes;
    if (desc.is_constant() || first[t] < 0) continue;
    buffers.push_back({bytes, first[t], last[t]});
    buffer_tensor.push_back(static_cast<int>(t));
  }
  for (int i = 0; i < num_ops; ++i) {
    if (ops[i].scratch_bytes == 0) continue;
    buffers.push_back({ops[i].scratch_bytes, i, i});
    buffer_tensor.push_back(-(i + 1));
  }

  MemoryPlan plan;
  if (!plan_memory(buffers, 64, &plan)) {
    return Status(StatusCode::kResourceExhausted, "memory plan size overflows");
  }
  if (plan.arena_bytes > options.max_arena_bytes) {
    return Status(StatusCode::kResourceExhausted,
                  "arena of " + std::to_string(plan.arena_bytes) + " bytes exceeds the limit of " +
                      std::to_string(options.max_arena_bytes) + " (InterpreterOptions::max_arena_bytes)");
  }
  unshared_arena_bytes = 0;
  for (const BufferLifetime& b : buffers) unshared_arena_bytes += (b.bytes + 63) / 64 * 64;
  // XNNPACK, like other SIMD libraries, may read a few bytes past the end of
  // an operand; slack after the last buffer keeps such reads inside the arena.
  constexpr size_t kReadSlack = 64;
  arena_plan_bytes = plan.arena_bytes + kReadSlack;
  if (sizing) return Status::Ok();
  LOWBIT_RETURN_IF_ERROR(place_arena());

  tensor_data.assign(num_tensors, nullptr);
  for (size_t t = 0; t < num_tensors; ++t) {
    if (graph.tensors[t].is_constant()) tensor_data[t] = const_cast<void*>(graph.tensors[t].data);
  }
  for (size_t b = 0; b < buffers.size(); ++b) {
    uint8_t* p = arena_base + plan.offsets[b];
    if (buffer_tensor[b] >= 0) {
      tensor_data[buffer_tensor[b]] = p;
    } else {
      ops[-buffer_tensor[b] - 1].run_context.scratch_ptr = p;
    }
  }

  for (int i = 0; i < num_ops; ++i) {
    const OperatorDesc& op = graph.operators[i];
    OperatorRunContext& rc = ops[i].run_context;
    rc.thread_pool = &pool_for(i);
    rc.inputs.clear();
    rc.outputs.clear();
    for (int t : op.inputs) rc.inputs.push_back(t < 0 ? nullptr : tensor_data[t]);
    for (int t : op.outputs) rc.outputs.push_back(tensor_data[t]);
    Status s = ops[i].kernel->bind(rc);
    if (!s.ok()) return with_operator(graph, i, s);
  }
  profile.assign(num_ops, OperatorProfile{0, 0.0});
  for (int i = 0; i < num_ops; ++i) profile[i].op_index = i;
  reset_state();
  return Status::Ok();
}

void* Interpreter::Impl::sizing_memory(size_t bytes) {
  // Kernels write their small tables here and are then thrown away: a few
  // chunks serve every operator (packers reserve, they get none of this).
  constexpr size_t kChunk = 64 * 1024;
  const size_t rounded = (bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
  if (rounded < bytes) return nullptr;
  if (sizing_chunks.empty() || sizing_chunks.back().bytes - sizing_used < rounded) {
    AlignedBuffer chunk;
    if (!AlignedBuffer::allocate(rounded > kChunk ? rounded : kChunk, &chunk)) return nullptr;
    sizing_chunks.push_back(std::move(chunk));
    sizing_used = 0;
  }
  void* p = sizing_chunks.back().data.get() + sizing_used;
  sizing_used += rounded;
  return p;
}

Status size_arena(std::shared_ptr<const Model> model, const InterpreterOptions& options,
                  ArenaSizes* sizes) {
  Interpreter::Impl impl;
  impl.model = std::move(model);
  impl.options = options;
  impl.sizing = true;
  sizes->arena_capacity = 0;
  sizes->persistent_bytes = 0;
  LOWBIT_RETURN_IF_ERROR(impl.prepare());
  sizes->arena_capacity = impl.required_arena_capacity();
  sizes->persistent_bytes = impl.persistent_bytes;
  return Status::Ok();
}

void Interpreter::Impl::reset_state() {
  const GraphDesc& graph = model->graph();
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const TensorDesc& desc = graph.tensors[t];
    if (!desc.is_variable || tensor_data[t] == nullptr) continue;
    // TFLite's ResetVariableTensor: int8 state starts at its zero point
    // (memset with that byte), everything else at zero bytes.
    int fill = 0;
    if (desc.dtype == DType::kInt8 && !desc.quant.zero_points.empty()) {
      fill = desc.quant.zero_points[0];
    }
    std::memset(tensor_data[t], fill, tensor_bytes[t]);
  }
}

Status Interpreter::Impl::place_arena() {
  arena.data.reset();
  arena_base = nullptr;
  if (options.arena == nullptr) {
    if (!AlignedBuffer::allocate(arena_plan_bytes, &arena)) {
      return Status(StatusCode::kResourceExhausted,
                    "cannot allocate an arena of " + std::to_string(arena_plan_bytes) + " bytes");
    }
    arena_base = arena.data.get();
    return Status::Ok();
  }
  const size_t needed = required_arena_capacity();
  if (options.arena_capacity < needed) {
    return Status(StatusCode::kResourceExhausted,
                  "caller arena: " + std::to_string(options.arena_capacity) + " bytes given, " +
                      std::to_string(needed) + " needed (InterpreterOptions::arena_capacity)");
  }
  // Kernels may rely on 64-byte aligned operands, and every run must start
  // from the same zeroed memory as an arena the interpreter allocates.
  const uintptr_t start = reinterpret_cast<uintptr_t>(options.arena);
  arena_base = reinterpret_cast<uint8_t*>((start + kArenaAlignment - 1) / kArenaAlignment *
                                          kArenaAlignment);
  std::memset(arena_base, 0, arena_plan_bytes);
  return Status::Ok();
}

Status Interpreter::Impl::prepare() {
  if (model == nullptr) return Status(StatusCode::kInvalidArgument, "no model");
  if (options.num_threads < 1 || options.num_threads > kMaxNumThreads) {
    return Status(StatusCode::kInvalidArgument, "num_threads must be 1 to " +
                                                    std::to_string(kMaxNumThreads) + ", got " +
                                                    std::to_string(options.num_threads));
  }
  std::string kernel_set = options.kernel;
  if (kernel_set.empty()) {
    const char* env = std::getenv("LOWBIT_KERNEL");
    kernel_set = (env != nullptr && *env != '\0') ? env : "auto";
  }
  Result<KernelSelector> sel = KernelSelector::create(kernel_set, CpuFeatures::detect());
  if (!sel.ok()) return sel.status();
  selector = std::make_unique<KernelSelector>(sel.value());
  options.kernel = selector->kernel_set();
  LOWBIT_RETURN_IF_ERROR(resolve_float_kernels(&options.float_kernels));
  selector->set_float_kernels(options.float_kernels);
  LOWBIT_RETURN_IF_ERROR(check_float_precision(options.float_precision, options.float_kernels));
  selector->set_float_precision(options.float_precision);
  LOWBIT_RETURN_IF_ERROR(plan_threads());
  persistent.clear();
  persistent_bytes = 0;
  // The reference kernels run uint8 as uint8: flipping would only add passes.
  flipped_uint8 = selector->kernel_set() == "reference" ? std::vector<bool>()
                                                        : plan_flipped_uint8(model->graph());
  LOWBIT_RETURN_IF_ERROR(create_kernels());
  return plan_and_bind();
}

TensorView Interpreter::Impl::view(int t) const {
  TensorView v;
  const GraphDesc& graph = model->graph();
  if (!prepared || t < 0 || static_cast<size_t>(t) >= graph.tensors.size()) return v;
  v.index = t;
  v.desc = &graph.tensors[t];
  v.data = tensor_data[t];
  v.bytes = tensor_bytes[t];
  v.sign_flipped = static_cast<size_t>(t) < flipped_uint8.size() && flipped_uint8[t];
  return v;
}

Interpreter::Interpreter(std::shared_ptr<const Model> model, InterpreterOptions options)
    : impl_(new Impl) {
  impl_->model = std::move(model);
  impl_->options = std::move(options);
}

Interpreter::~Interpreter() = default;

Status Interpreter::prepare() {
  return guard_api("Interpreter::prepare", [&]() -> Status {
    if (impl_->prepared) return Status::Ok();
    impl_->prepare_status = impl_->prepare();
    impl_->prepared = impl_->prepare_status.ok();
    if (!impl_->prepared) {
      impl_->ops.clear();
      impl_->persistent.clear();
    }
    return impl_->prepare_status;
  });
}

Status Interpreter::invoke() {
  if (!impl_->prepared) {
    return Status(StatusCode::kFailedPrecondition,
                  "invoke() before a successful prepare(): " + impl_->prepare_status.message());
  }
  const bool timed = impl_->profiling;
  // Workers that fell asleep between inferences start waking now, while the
  // first operators run, rather than at the first split one.
  impl_->pool->wake();
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    PreparedOperator& op = impl_->ops[i];
    const auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    Status s = op.kernel->run(op.run_context);
    if (timed) {
      impl_->profile[i].seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (!s.ok()) return with_operator(impl_->model->graph(), static_cast<int>(i), s);
  }
  return Status::Ok();
}

Status Interpreter::reset_state() {
  if (!impl_->prepared) {
    return Status(StatusCode::kFailedPrecondition, "reset_state() before a successful prepare()");
  }
  impl_->reset_state();
  return Status::Ok();
}

size_t Interpreter::num_inputs() const { return impl_->model->graph().inputs.size(); }
size_t Interpreter::num_outputs() const { return impl_->model->graph().outputs.size(); }

TensorView Interpreter::input(size_t i) const {
  const auto& inputs = impl_->model->graph().inputs;
  return i < inputs.size() ? impl_->view(inputs[i]) : TensorView{};
}

TensorView Interpreter::output(size_t i) const {
  const auto& outputs = impl_->model->graph().outputs;
  return i < outputs.size() ? impl_->view(outputs[i]) : TensorView{};
}

static TensorView find_by_name(const Interpreter::Impl& impl, const std::vector<int>& list,
                               const std::string& name) {
  for (int t : list) {
    if (impl.model->graph().tensors[t].name == name) return impl.view(t);
  }
  return {};
}

TensorView Interpreter::input(const std::string& name) const {
  return find_by_name(*impl_, impl_->model->graph().inputs, name);
}

TensorView Interpreter::output(const std::string& name) const {
  return find_by_name(*impl_, impl_->model->graph().outputs, name);
}

TensorView Interpreter::tensor(int tensor_index) const { return impl_->view(tensor_index); }

const Model& Interpreter::model() const { return *impl_->model; }
const InterpreterOptions& Interpreter::options() const { return impl_->options; }
size_t Interpreter::arena_bytes() const { return impl_->arena_plan_bytes; }
size_t Interpreter::required_arena_capacity() const { return impl_->required_arena_capacity(); }
size_t Interpreter::unshared_arena_bytes() const { return impl_->unshared_arena_bytes; }
size_t Interpreter::packed_weight_bytes() const { return impl_->persistent_bytes; }

const char* Interpreter::kernel_name(int op_index) const {
  if (op_index < 0 || static_cast<size_t>(op_index) >= impl_->ops.size()) return "";
  const OpKernel* k = impl_->ops[op_index].kernel.get();
  return k ? k->name() : "";
}

uint64_t Interpreter::operator_macs(int op_index) const {
  if (op_index < 0 || static_cast<size_t>(op_index) >= impl_->ops.size()) return 0;
  const OpKernel* k = impl_->ops[op_index].kernel.get();
  return k ? k->macs() : 0;
}

int Interpreter::operator_threads(int op_index) const {
  if (op_index < 0 || static_cast<size_t>(op_index) >= impl_->op_threads.size()) return 0;
  return impl_->op_threads[op_index];
}

void Interpreter::set_profiling(bool enabled) { impl_->profiling = enabled; }
const std::vector<OperatorProfile>& Interpreter::last_profile() const { return impl_->profile; }

const char* requant_profile_name(RequantProfile p) {
  switch (p) {
    case RequantProfile::kTfliteReference: return "tflite_reference";
    case RequantProfile::kSingleRounding: return "single_rounding";
    case RequantProfile::kXnnpackFp32: return "xnnpack_fp32";
    case RequantProfile::kTfliteOptimized: return "tflite_optimized";
  }
  return "unknown";
}

bool parse_requant_profile(const std::string& name, RequantProfile* p) {
  for (RequantProfile c : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                           RequantProfile::kXnnpackFp32, RequantProfile::kTfliteOptimized}) {
    if (name == requant_profile_name(c)) {
      *p = c;
      return true;
    }
  }
  return false;
}

RequantProfile operator_requant_profile(RequantProfile profile, OpType type) {
  static_assert(uint8_t(OpType::kConv2D) == 0 && uint8_t(OpType::kDepthwiseConv2D) == 1 &&
                uint8_t(OpType::kFullyConnected) == 2);
  return requant_profile_for_op_type(profile, static_cast<uint8_t>(type));
}

}  // namespace lowbit
