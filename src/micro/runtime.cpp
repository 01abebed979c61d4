// lowbit_micro_create / lowbit_micro_arena_size: one pass over the model
// that both share (check the graph, prepare every operator, plan), once
// counting bytes only and once in the caller's arena.
#include "micro/runtime.h"

#include <new>

#include "micro/graph_check.h"
#include "micro/op.h"

namespace lowbit {
namespace micro {
namespace {

constexpr size_t kAlign = kPlanAlignment;
// Lost aligning the arena's start up and its end down.
constexpr size_t kAlignmentSlack = 2 * (kAlign - 1);

uint8_t* align_up(uint8_t* p) {
  return reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(p) + kAlign - 1) & ~uintptr_t(kAlign - 1));
}
uint8_t* align_down(uint8_t* p) {
  return reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(kAlign - 1));
}

// The micro operators by type, for messages about operators a resolver lacks.
bool micro_runs(uint8_t type) {
  switch (type) {
    case kOpConv2D: case kOpDepthwiseConv2D: case kOpFullyConnected: case kOpAdd:
    case kOpAveragePool2D: case kOpMaxPool2D: case kOpSoftmax: case kOpReshape:
      return true;
    default:
      return false;
  }
}

void append_lower(Message& m, const char* text) {
  for (; *text != '\0'; ++text) {
    const char c = (*text >= 'A' && *text <= 'Z') ? char(*text - 'A' + 'a') : *text;
    m.append(Text{&c, 1});
  }
}

struct Pass {
  const ModelView& model;
  const lowbit_micro_resolver& resolver;
  PrepareState state;
  PlanEntry* entries = nullptr;
  size_t capacity = 0;
  size_t count = 0;
  OpRecord* records = nullptr;  // nullptr when sizing
};

const lowbit_micro_op* find_op(const lowbit_micro_resolver& resolver, uint8_t type) {
  for (size_t i = 0; i < resolver.count && i < LOWBIT_MICRO_MAX_OPS; ++i) {
    if (resolver.ops[i] != nullptr && resolver.ops[i]->type == type) return resolver.ops[i];
  }
  return nullptr;
}

bool add_entry(Pass& p, const PlanEntry& entry) {
  if (p.count == p.capacity) {
    p.state.error->append_all("the model has more than ", p.capacity,
                              " activations and scratch buffers, the most lowbit_micro_arena_size "
                              "plans (LOWBIT_MICRO_SIZING_BUFFERS); size the arena with "
                              "lowbit_micro_create on a large arena and lowbit_micro_memory_use");
    return false;
  }
  p.entries[p.count++] = entry;
  return true;
}

lowbit_status prepare_ops(Pass& p) {
  const ModelView& model = p.model;
  for (uint32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorView view = model.op(i);
    const lowbit_micro_op* op = find_op(p.resolver, view.type);
    if (op == nullptr) {
      Message& e = *p.state.error;
      e.append_all(op_type_name(view.type), " (operator ", i, ") ");
      if (!micro_runs(view.type)) {
        e.append("is not an operator lowbit micro runs (docs/api.md lists them)");
      } else {
        e.append("is not in the resolver: add lowbit_micro_op_");
        append_lower(e, op_type_name(view.type));
        e.append("()");
      }
      return LOWBIT_UNSUPPORTED;
    }
    // invoke() passes the tensors in fixed arrays.
    if (view.inputs.count > kMaxOpInputs || view.outputs.count > kMaxOpOutputs) {
      p.state.error->append_all(op_type_name(view.type), " (operator ", i, ") has ",
                                view.inputs.count, " inputs and ", view.outputs.count,
                                " outputs; lowbit micro takes up to ", kMaxOpInputs, " and ",
                                kMaxOpOutputs);
      return LOWBIT_UNSUPPORTED;
    }
    p.state.op_index = int32_t(i);
    p.state.op_type = view.type;
    p.state.state = nullptr;
    p.state.kernel = "";
    p.state.scratch_bytes = 0;
    PrepareContext ctx(p.state, model, view);
    const lowbit_status status = op->prepare(ctx);
    if (status != LOWBIT_OK) return status;
    if (p.state.scratch_bytes > kMaxArenaBytes) {
      p.state.error->append_all(op_type_name(view.type), " (operator ", i, ") asks for more than ",
                                kMaxArenaBytes, " bytes of scratch, the most lowbit micro plans");
      return LOWBIT_RESOURCE_EXHAUSTED;
    }
    if (p.records != nullptr) p.records[i] = {op, p.state.state, p.state.kernel, 0, nullptr};
    if (p.state.scratch_bytes > 0 &&
        !add_entry(p, {plan_round_up(p.state.scratch_bytes), 0, int32_t(i), int32_t(i),
                       -1 - int32_t(i)})) {
      return LOWBIT_UNSUPPORTED;
    }
  }
  return LOWBIT_OK;
}

// One entry per activation: live from the operator writing it to the last
// reading it. Model inputs and outputs live through the whole invoke, so the
// caller may invoke again on the same input and read both back afterwards.
lowbit_status add_tensor_entries(Pass& p) {
  const ModelView& model = p.model;
  const int32_t end = int32_t(model.num_operators());
  for (uint32_t t = 0; t < model.num_tensors(); ++t) {
    const TensorView tensor = model.tensor(int32_t(t));
    if (tensor.constant != nullptr) continue;
    const bool is_input = is_model_input(model, int32_t(t));
    int32_t first = is_input ? 0 : -1;
    int32_t last = is_input || is_model_output(model, int32_t(t)) ? end : -1;
    for (int32_t i = 0; i < end; ++i) {
      const OperatorView op = model.op(uint32_t(i));
      for (uint32_t k = 0; k < op.inputs.count + op.outputs.count; ++k) {
        const int32_t index = k < op.inputs.count ? model.op_input(op, k)
                                                  : model.op_output(op, k - op.inputs.count);
        if (index != int32_t(t)) continue;
        if (first < 0) first = i;
        if (i > last) last = i;
      }
    }
    if (first < 0 && last < 0) continue;  // used by nothing
    if (first < 0) first = 0;
    if (last < first) last = first;
    if (!add_entry(p, {plan_round_up(tensor.bytes > 0 ? tensor.bytes : 1), 0, first, last,
                       int32_t(t)})) {
      return LOWBIT_UNSUPPORTED;
    }
  }
  return LOWBIT_OK;
}

// Persistent bytes every pass allocates before the operators' own.
bool allocate_runtime(PrepareState& state, const ModelView& model, lowbit_micro** micro,
                      uint8_t*** tensor_data, OpRecord** records) {
  void* m = nullptr;
  void* tensors = nullptr;
  void* ops = nullptr;
  const OperatorView no_operator;
  PrepareContext ctx(state, model, no_operator);
  if (!ctx.allocate(sizeof(lowbit_micro), &m) ||
      !ctx.allocate(sizeof(uint8_t*) * model.num_tensors(), &tensors) ||
      !ctx.allocate(sizeof(OpRecord) * model.num_operators(), &ops)) {
    return false;
  }
  *micro = static_cast<lowbit_micro*>(m);
  *tensor_data = static_cast<uint8_t**>(tensors);
  *records = static_cast<OpRecord*>(ops);
  return true;
}

lowbit_status check_arguments(const void* model, const lowbit_micro_resolver* resolver,
                              const lowbit_micro_options* options, RequantProfile* profile,
                              Message& error) {
  if (model == nullptr || resolver == nullptr) {
    error.append("model and resolver must not be NULL");
    return LOWBIT_INVALID_ARGUMENT;
  }
  const int value = options != nullptr ? options->profile : LOWBIT_PROFILE_TFLITE_REFERENCE;
  if (value < LOWBIT_PROFILE_TFLITE_REFERENCE || value > LOWBIT_PROFILE_TFLITE_OPTIMIZED) {
    error.append_all("unknown requantization profile ", value);
    return LOWBIT_INVALID_ARGUMENT;
  }
  *profile = static_cast<RequantProfile>(value);
  if (!profile_is_built(*profile)) {
    constexpr const char* kNames[] = {"tflite_reference", "single_rounding", "xnnpack_fp32",
                                      "tflite_optimized"};
    error.append_all("this firmware holds no kernels for the ", kNames[value],
                     " profile (it was built with LOWBIT_FIRMWARE_PROFILE=",
                     kNames[int(built_profile(RequantProfile::kTfliteReference))], ")");
    return LOWBIT_UNSUPPORTED;
  }
  return LOWBIT_OK;
}

struct Sizing {
  size_t arena_bytes = 0;
  size_t persistent_bytes = 0;
  size_t planned_bytes = 0;
  size_t liveness_bound = 0;
};

lowbit_status size_arena(const ModelView& model, const lowbit_micro_resolver& resolver,
                         RequantProfile profile, Message& error, Sizing* sizing) {
  PlanEntry entries[LOWBIT_MICRO_SIZING_BUFFERS];
  Pass p{model, resolver, {}, entries, LOWBIT_MICRO_SIZING_BUFFERS};
  p.state.sizing = true;
  p.state.profile = profile;
  p.state.error = &error;
  lowbit_micro* unused_micro = nullptr;
  uint8_t** unused_tensors = nullptr;
  OpRecord* unused_records = nullptr;
  if (!allocate_runtime(p.state, model, &unused_micro, &unused_tensors, &unused_records)) {
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  lowbit_status status = prepare_ops(p);
  if (status == LOWBIT_OK) status = add_tensor_entries(p);
  if (status != LOWBIT_OK) return status;
  const size_t planned = plan_offsets(entries, p.count);
  // create() keeps its planning entries at the arena's bottom while it
  // prepares. In 64 bits: a 32-bit size_t must not wrap on the way.
  const uint64_t workspace =
      uint64_t(sizeof(PlanEntry)) * (uint64_t(model.num_tensors()) + model.num_operators());
  const uint64_t total = kAlignmentSlack + uint64_t(p.state.persistent_bytes) +
                         (workspace > planned ? workspace : uint64_t(planned));
  if (planned == kPlanTooLarge || total > kMaxArenaBytes) {
    error.append_all("the model needs more than ", kMaxArenaBytes,
                     " bytes of arena, the most lowbit micro plans");
    return LOWBIT_RESOURCE_EXHAUSTED;
  }
  sizing->planned_bytes = planned;
  sizing->liveness_bound = liveness_bound(entries, p.count, int32_t(model.num_operators()) - 1);
  sizing->persistent_bytes = p.state.persistent_bytes;
  sizing->arena_bytes = size_t(total);
  return LOWBIT_OK;
}

lowbit_status arena_too_small(const ModelView& model, const lowbit_micro_resolver& resolver,
                              RequantProfile profile, size_t arena_bytes, Message& error) {
  Sizing sizing;
  error.clear();
  const lowbit_status status = size_arena(model, resolver, profile, error, &sizing);
  if (status != LOWBIT_OK) return status;
  error.clear();
  error.append_all("the arena of ", arena_bytes, " bytes is too small: the model needs ",
                   sizing.arena_bytes, " (", sizing.persistent_bytes, " persistent, ",
                   sizing.planned_bytes, " planned)");
  return LOWBIT_RESOURCE_EXHAUSTED;
}

lowbit_status create(const void* data, size_t size, const lowbit_micro_resolver* resolver,
                     const lowbit_micro_options* options, void* arena, size_t arena_bytes,
                     lowbit_micro** out, Message& error) {
  RequantProfile profile{};
  lowbit_status status = check_arguments(data, resolver, options, &profile, error);
  if (status != LOWBIT_OK) return status;
  if (out == nullptr || arena == nullptr) {
    error.append("arena and the lowbit_micro** must not be NULL");
    return LOWBIT_INVALID_ARGUMENT;
  }
  *out = nullptr;
  if (reinterpret_cast<uintptr_t>(data) % kAlign != 0) {
    error.append("the model buffer must be 16-byte aligned (its constants are read in place)");
    return LOWBIT_INVALID_ARGUMENT;
  }
  ModelView model;
  status = model.open(data, size, error);
  if (status == LOWBIT_OK) status = check_graph(model, error);
  if (status != LOWBIT_OK) return status;

  uint8_t* const start = static_cast<uint8_t*>(arena);
  uint8_t* const base = align_up(start);
  uint8_t* const end = align_down(start + arena_bytes);
  const size_t capacity = size_t(model.num_tensors()) + model.num_operators();
  if (end <= base || capacity > kMaxArenaBytes / sizeof(PlanEntry) ||
      size_t(end - base) < capacity * sizeof(PlanEntry)) {
    return arena_too_small(model, *resolver, profile, arena_bytes, error);
  }
  Pass p{model, *resolver, {}, reinterpret_cast<PlanEntry*>(base), capacity};
  p.state.profile = profile;
  p.state.error = &error;
  p.state.floor = base + capacity * sizeof(PlanEntry);
  p.state.tail = end;
  lowbit_micro* m = nullptr;
  uint8_t** tensor_data = nullptr;
  if (!allocate_runtime(p.state, model, &m, &tensor_data, &p.records)) {
    return arena_too_small(model, *resolver, profile, arena_bytes, error);
  }
  status = prepare_ops(p);
  if (status == LOWBIT_OK) status = add_tensor_entries(p);
  if (status == LOWBIT_RESOURCE_EXHAUSTED) {
    return arena_too_small(model, *resolver, profile, arena_bytes, error);
  }
  if (status != LOWBIT_OK) return status;
  const size_t planned = plan_offsets(p.entries, p.count);
  if (planned > size_t(p.state.tail - base)) {
    return arena_too_small(model, *resolver, profile, arena_bytes, error);
  }
  new (m) lowbit_micro{};
  m->model = model;
  m->tensor_data = tensor_data;
  m->ops = p.records;
  for (uint32_t t = 0; t < model.num_tensors(); ++t) {
    tensor_data[t] = const_cast<uint8_t*>(static_cast<const uint8_t*>(model.tensor(int32_t(t)).constant));
  }
  for (size_t i = 0; i < p.count; ++i) {
    const PlanEntry& e = p.entries[i];
    if (e.owner >= 0) {
      tensor_data[e.owner] = base + e.offset;
    } else {
      m->ops[-1 - e.owner].scratch = base + e.offset;
      m->ops[-1 - e.owner].scratch_bytes = e.bytes;
    }
  }
  m->memory.liveness_bound_bytes =
      liveness_bound(p.entries, p.count, int32_t(model.num_operators()) - 1);
  m->memory.persistent_bytes = size_t(end - p.state.tail);
  m->memory.planned_bytes = planned;
  const size_t workspace = capacity * sizeof(PlanEntry);
  m->memory.arena_bytes = size_t(base - start) + size_t(start + arena_bytes - end) +
                          m->memory.persistent_bytes + (workspace > planned ? workspace : planned);
  *out = m;
  return LOWBIT_OK;
}

}  // namespace

}  // namespace micro
}  // namespace lowbit

using lowbit::micro::Message;

extern "C" {

void lowbit_micro_options_init(lowbit_micro_options* options) {
  if (options != nullptr) options->profile = LOWBIT_PROFILE_TFLITE_REFERENCE;
}

lowbit_status lowbit_micro_arena_size(const void* model, size_t model_bytes,
                                      const lowbit_micro_resolver* resolver,
                                      const lowbit_micro_options* options, size_t* arena_bytes,
                                      lowbit_micro_error* error) {
  char scratch[LOWBIT_MICRO_MESSAGE_BYTES];
  Message message(error != nullptr ? error->message : scratch, LOWBIT_MICRO_MESSAGE_BYTES);
  lowbit::RequantProfile profile{};
  lowbit_status status = lowbit::micro::check_arguments(model, resolver, options, &profile, message);
  if (status == LOWBIT_OK && arena_bytes == nullptr) {
    message.append("arena_bytes must not be NULL");
    status = LOWBIT_INVALID_ARGUMENT;
  }
  lowbit::micro::ModelView view;
  if (status == LOWBIT_OK) status = view.open(model, model_bytes, message);
  if (status == LOWBIT_OK) status = lowbit::micro::check_graph(view, message);
  lowbit::micro::Sizing sizing;
  if (status == LOWBIT_OK) status = lowbit::micro::size_arena(view, *resolver, profile, message, &sizing);
  if (status == LOWBIT_OK) *arena_bytes = sizing.arena_bytes;
  if (error != nullptr) error->status = status;
  return status;
}

lowbit_status lowbit_micro_create(const void* model, size_t model_bytes,
                                  const lowbit_micro_resolver* resolver,
                                  const lowbit_micro_options* options, void* arena,
                                  size_t arena_bytes, lowbit_micro** micro,
                                  lowbit_micro_error* error) {
  char scratch[LOWBIT_MICRO_MESSAGE_BYTES];
  Message message(error != nullptr ? error->message : scratch, LOWBIT_MICRO_MESSAGE_BYTES);
  const lowbit_status status = lowbit::micro::create(model, model_bytes, resolver, options, arena,
                                                     arena_bytes, micro, message);
  if (error != nullptr) error->status = status;
  return status;
}

}  // extern "C"
