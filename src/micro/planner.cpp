#include "micro/planner.h"

namespace lowbit {
namespace micro {
namespace {

constexpr uint32_t kUnplaced = 0xffffffffu;

bool live_together(const PlanEntry& a, const PlanEntry& b) {
  return a.first <= b.last && b.first <= a.last;
}

bool space_overlaps(uint64_t offset, uint32_t bytes, const PlanEntry& placed) {
  return offset < uint64_t(placed.offset) + placed.bytes && uint64_t(placed.offset) < offset + bytes;
}

// The lowest offset (0, or the end of a placed buffer live at the same time)
// where `e` overlaps no placed buffer live with it.
uint64_t lowest_free_offset(const PlanEntry* entries, size_t count, const PlanEntry& e) {
  uint64_t best = ~uint64_t(0);
  for (size_t c = 0; c <= count; ++c) {
    uint64_t candidate = 0;
    if (c < count) {
      const PlanEntry& p = entries[c];
      if (p.offset == kUnplaced || !live_together(p, e)) continue;
      candidate = uint64_t(p.offset) + p.bytes;
    }
    if (candidate >= best) continue;
    bool clear = true;
    for (size_t i = 0; i < count && clear; ++i) {
      const PlanEntry& p = entries[i];
      clear = p.offset == kUnplaced || !live_together(p, e) || !space_overlaps(candidate, e.bytes, p);
    }
    if (clear) best = candidate;
  }
  return best;
}

}  // namespace

size_t plan_offsets(PlanEntry* entries, size_t count) {
  for (size_t i = 0; i < count; ++i) entries[i].offset = kUnplaced;
  uint64_t total = 0;
  for (size_t placed = 0; placed < count; ++placed) {
    size_t next = count;
    for (size_t i = 0; i < count; ++i) {
      if (entries[i].offset != kUnplaced) continue;
      if (next == count || entries[i].bytes > entries[next].bytes) next = i;
    }
    const uint64_t offset = lowest_free_offset(entries, count, entries[next]);
    if (offset + entries[next].bytes > kMaxArenaBytes) return kPlanTooLarge;
    entries[next].offset = uint32_t(offset);
    if (offset + entries[next].bytes > total) total = offset + entries[next].bytes;
  }
  return size_t(total);
}

size_t liveness_bound(const PlanEntry* entries, size_t count, int32_t last_op) {
  size_t bound = 0;
  for (int32_t step = 0; step <= last_op; ++step) {
    size_t live = 0;
    for (size_t i = 0; i < count; ++i) {
      if (entries[i].first <= step && step <= entries[i].last) live += entries[i].bytes;
    }
    if (live > bound) bound = live;
  }
  return bound;
}

}  // namespace micro
}  // namespace lowbit
