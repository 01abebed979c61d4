// Places every intermediate buffer in one arena from its lifetime, so two
// buffers share bytes only when they are never live at the same time.
#pragma once

#include <cstddef>
#include <vector>

namespace lowbit {

struct BufferLifetime {
  size_t bytes = 0;
  int first_op = 0;  // first operator during which the buffer must hold data
  int last_op = 0;   // last such operator (inclusive)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per BufferLifetime, multiples of `alignment`
  size_t arena_bytes = 0;
};

// Greedy by size: the largest buffers are placed first, each at the lowest
// offset that does not collide with an already placed buffer whose lifetime
// overlaps its own. Fails (returns false) only if the arena size overflows.
bool plan_memory(const std::vector<BufferLifetime>& buffers, size_t alignment, MemoryPlan* plan);

// True when no two buffers with overlapping lifetimes overlap in the arena and
// every buffer lies inside it; used by tests and debug checks.
bool plan_is_valid(const std::vector<BufferLifetime>& buffers, const MemoryPlan& plan);

}  // namespace lowbit
