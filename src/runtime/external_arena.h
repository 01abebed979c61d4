// Running a prepared Interpreter over memory the caller owns (the C API's
// firmware path): after prepare(), every arena address is moved into the
// caller's buffer at the same offset, kernels are bound again, and the
// interpreter's own arena is released. invoke() then touches only the
// caller's arena (plus packed weights made during prepare).
#pragma once

#include <cstddef>

#include "lowbit/interpreter.h"
#include "lowbit/status.h"

namespace lowbit {

// Bytes a caller-supplied arena needs for this prepared interpreter: the
// memory plan, SIMD read slack, and room to align any start address to 64.
size_t external_arena_bytes_needed(const Interpreter& interpreter);

// Moves the prepared interpreter's arena into [arena, arena + bytes). The
// buffer must outlive the interpreter and needs no particular alignment.
Status use_external_arena(Interpreter& interpreter, void* arena, size_t bytes);

}  // namespace lowbit
