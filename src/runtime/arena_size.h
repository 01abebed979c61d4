// The arena an interpreter will need, found without building one: a pass
// over the operators' prepare() with PrepareContext::sizing_only() (weights
// are not packed, packers report their closed-form sizes) and the memory
// plan, stopping before any arena exists. Behind lowbit_arena_size.
#pragma once

#include <cstddef>
#include <memory>

#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "lowbit/status.h"

namespace lowbit {

struct ArenaSizes {
  // Interpreter::required_arena_capacity() of the interpreter these options
  // would prepare (options.arena and arena_capacity are ignored).
  size_t arena_capacity = 0;
  // Interpreter::packed_weight_bytes() of that interpreter (kept outside the
  // arena today).
  size_t persistent_bytes = 0;
};

Status size_arena(std::shared_ptr<const Model> model, const InterpreterOptions& options,
                  ArenaSizes* sizes);

}  // namespace lowbit
