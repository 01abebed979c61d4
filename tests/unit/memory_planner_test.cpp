#include <catch2/catch.hpp>

#include <random>

#include "graph/memory_planner.h"
#include "support/model_runner.h"

using namespace lowbit;

TEST_CASE("memory plan reuses memory of dead buffers", "[planner]") {
  // A chain a -> b -> c: a and c never live together, so they may share.
  std::vector<BufferLifetime> bufs = {{1000, 0, 1}, {500, 1, 2}, {1000, 2, 3}};
  MemoryPlan plan;
  REQUIRE(plan_memory(bufs, 64, &plan));
  CHECK(plan_is_valid(bufs, plan));
  // 1024 (a or c) + 512 (b): two of the three are live at any time.
  CHECK(plan.arena_bytes == 1024 + 512);
  CHECK(plan.offsets[0] == plan.offsets[2]);
}

TEST_CASE("memory plan offsets are aligned and empty buffers take no space", "[planner]") {
  std::vector<BufferLifetime> bufs = {{3, 0, 0}, {0, 0, 5}, {70, 0, 0}};
  MemoryPlan plan;
  REQUIRE(plan_memory(bufs, 64, &plan));
  CHECK(plan_is_valid(bufs, plan));
  for (size_t off : plan.offsets) CHECK(off % 64 == 0);
  CHECK(plan.arena_bytes == 128 + 64);
}

TEST_CASE("memory plan never overlaps two live buffers (random lifetimes)", "[planner]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
    const int ops = 1 + static_cast<int>(rng() % 40);
    std::vector<BufferLifetime> bufs(1 + rng() % 60);
    size_t peak_live_sum = 0;
    for (auto& b : bufs) {
      b.bytes = rng() % 5000;
      b.first_op = static_cast<int>(rng() % ops);
      b.last_op = b.first_op + static_cast<int>(rng() % (ops - b.first_op));
    }
    for (int op = 0; op < ops; ++op) {
      size_t live = 0;
      for (auto& b : bufs) {
        if (b.first_op <= op && op <= b.last_op) live += (b.bytes + 63) / 64 * 64;
      }
      peak_live_sum = std::max(peak_live_sum, live);
    }
    MemoryPlan plan;
    REQUIRE(plan_memory(bufs, 64, &plan));
    REQUIRE(plan_is_valid(bufs, plan));
    // No plan can beat the peak of simultaneously live bytes, and the arena
    // must be smaller than giving every buffer its own space.
    size_t total = 0;
    for (auto& b : bufs) total += (b.bytes + 63) / 64 * 64;
    CHECK(plan.arena_bytes >= peak_live_sum);
    CHECK(plan.arena_bytes <= total);
  }
}

TEST_CASE("plan_is_valid detects an overlap", "[planner]") {
  std::vector<BufferLifetime> bufs = {{100, 0, 2}, {100, 1, 3}};
  MemoryPlan plan;
  plan.offsets = {0, 64};
  plan.arena_bytes = 256;
  CHECK_FALSE(plan_is_valid(bufs, plan));
}
