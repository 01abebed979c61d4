// Where each activation and scratch buffer goes in the arena's planned
// region: greedy by size (largest first, each at the lowest offset clear of
// every buffer already placed whose lifetime overlaps), the way TFLite
// Micro's greedy planner works. The entries live wherever the caller puts
// them (the arena's free bottom, or the stack when only sizing), so planning
// allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace micro {

constexpr uint32_t kPlanAlignment = 16;
// The most bytes lowbit micro plans, allocates or asks for as an arena:
// offsets and sizes stay exact in uint32_t and in a 32-bit size_t. A model
// needing more is refused (LOWBIT_RESOURCE_EXHAUSTED), never wrapped around.
constexpr size_t kMaxArenaBytes = size_t(1) << 31;
// What plan_offsets returns when the plan would pass kMaxArenaBytes.
constexpr size_t kPlanTooLarge = ~size_t(0);

struct PlanEntry {
  uint32_t bytes;   // rounded up to kPlanAlignment
  uint32_t offset;  // set by plan_offsets
  int32_t first;    // first and last operator (inclusive) the buffer is live in
  int32_t last;
  int32_t owner;    // a tensor index, or -1 - op for an operator's scratch
};

inline uint32_t plan_round_up(size_t bytes) {
  return uint32_t((bytes + kPlanAlignment - 1) / kPlanAlignment * kPlanAlignment);
}

// Sets every entry's offset; returns the planned region's size, or
// kPlanTooLarge (offsets then unusable). Every entry's bytes must be at most
// kMaxArenaBytes.
size_t plan_offsets(PlanEntry* entries, size_t count);

// The most bytes live at one operator (0 .. last_op): what any plan needs at least.
size_t liveness_bound(const PlanEntry* entries, size_t count, int32_t last_op);

}  // namespace micro
}  // namespace lowbit
