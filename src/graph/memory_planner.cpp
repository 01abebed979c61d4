#include "graph/memory_planner.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>

namespace lowbit {
namespace {

bool lifetimes_overlap(const BufferLifetime& a, const BufferLifetime& b) {
  return a.first_op <= b.last_op && b.first_op <= a.last_op;
}

bool round_up(size_t value, size_t alignment, size_t* out) {
  if (value > std::numeric_limits<size_t>::max() - (alignment - 1)) return false;
  *out = (value + alignment - 1) / alignment * alignment;
  return true;
}

}  // namespace

bool plan_memory(const std::vector<BufferLifetime>& buffers, size_t alignment, MemoryPlan* plan) {
  if (alignment == 0) alignment = 1;
  const size_t n = buffers.size();
  plan->offsets.assign(n, 0);
  plan->arena_bytes = 0;

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  // Largest first; ties broken by earlier start so plans are deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first_op < buffers[b].first_op;
  });

  std::vector<size_t> placed;  // indices already given an offset
  std::vector<size_t> conflicts;
  placed.reserve(n);  // one allocation each, not one per growth
  conflicts.reserve(n);
  for (size_t idx : order) {
    const BufferLifetime& buf = buffers[idx];
    size_t size = 0;
    if (!round_up(buf.bytes, alignment, &size)) return false;
    if (size == 0) continue;  // empty buffers need no space

    conflicts.clear();
    for (size_t other : placed) {
      if (lifetimes_overlap(buf, buffers[other])) conflicts.push_back(other);
    }
    std::sort(conflicts.begin(), conflicts.end(),
              [&](size_t a, size_t b) { return plan->offsets[a] < plan->offsets[b]; });

    // First gap large enough, scanning conflicting buffers in offset order.
    size_t candidate = 0;
    for (size_t other : conflicts) {
      const size_t other_begin = plan->offsets[other];
      size_t other_end = 0;
      if (!round_up(other_begin + buffers[other].bytes, alignment, &other_end)) return false;
      if (other_begin >= candidate && other_begin - candidate >= size) break;
      candidate = std::max(candidate, other_end);
    }
    if (candidate > std::numeric_limits<size_t>::max() - size) return false;
    plan->offsets[idx] = candidate;
    plan->arena_bytes = std::max(plan->arena_bytes, candidate + size);
    placed.push_back(idx);
  }
  return true;
}

bool plan_is_valid(const std::vector<BufferLifetime>& buffers, const MemoryPlan& plan) {
  if (plan.offsets.size() != buffers.size()) return false;
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].bytes == 0) continue;
    if (plan.offsets[i] + buffers[i].bytes > plan.arena_bytes) return false;
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (buffers[j].bytes == 0 || !lifetimes_overlap(buffers[i], buffers[j])) continue;
      const size_t a0 = plan.offsets[i], a1 = a0 + buffers[i].bytes;
      const size_t b0 = plan.offsets[j], b1 = b0 + buffers[j].bytes;
      if (a0 < b1 && b0 < a1) return false;
    }
  }
  return true;
}

}  // namespace lowbit
