#include "runtime/external_arena.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/interpreter_impl.h"

namespace lowbit {
namespace {

// The interpreter's own allocation adds this much after the plan (see
// plan_and_bind); the external arena keeps the same slack.
constexpr size_t kReadSlack = 64;
constexpr size_t kAlignment = 64;

}  // namespace

size_t external_arena_bytes_needed(const Interpreter& interpreter) {
  return interpreter.impl_->arena.bytes + kReadSlack + (kAlignment - 1);
}

Status use_external_arena(Interpreter& interpreter, void* arena, size_t bytes) {
  Interpreter::Impl& impl = *interpreter.impl_;
  if (!impl.prepared) {
    return Status(StatusCode::kFailedPrecondition, "external arena: interpreter is not prepared");
  }
  if (arena == nullptr) return Status(StatusCode::kInvalidArgument, "external arena: null buffer");
  const size_t needed = external_arena_bytes_needed(interpreter);
  if (bytes < needed) {
    return Status(StatusCode::kResourceExhausted,
                  "external arena: " + std::to_string(bytes) + " bytes given, " +
                      std::to_string(needed) + " needed");
  }
  const uintptr_t start = reinterpret_cast<uintptr_t>(arena);
  uint8_t* const new_base =
      reinterpret_cast<uint8_t*>((start + kAlignment - 1) / kAlignment * kAlignment);
  uint8_t* const old_base = impl.arena.data.get();
  if (old_base == nullptr) {
    return Status(StatusCode::kFailedPrecondition, "external arena: already moved");
  }
  const size_t span = impl.arena.bytes + kReadSlack;
  auto rebase = [&](const void* p) -> uint8_t* {
    const uint8_t* q = static_cast<const uint8_t*>(p);
    if (q < old_base || q >= old_base + span) return const_cast<uint8_t*>(q);
    return new_base + (q - old_base);
  };

  // Same starting contents as the interpreter's zeroed arena.
  std::fill(new_base, new_base + span, uint8_t{0});
  for (void*& p : impl.tensor_data) p = rebase(p);
  const GraphDesc& graph = impl.model->graph();
  for (size_t i = 0; i < impl.ops.size(); ++i) {
    OperatorRunContext& rc = impl.ops[i].run_context;
    for (const void*& p : rc.inputs) p = rebase(p);
    for (void*& p : rc.outputs) p = rebase(p);
    rc.scratch_ptr = rebase(rc.scratch_ptr);
    Status s = impl.ops[i].kernel->bind(rc);
    if (!s.ok()) {
      impl.prepared = false;
      return Status(s.code(), describe_operator(graph, static_cast<int>(i)) +
                                  ": binding to the external arena: " + s.message());
    }
  }
  const size_t plan_bytes = impl.arena.bytes;
  impl.arena.data.reset();
  impl.arena.bytes = plan_bytes;  // arena_bytes() keeps reporting the plan
  return Status::Ok();
}

}  // namespace lowbit
