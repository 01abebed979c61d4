// lowbit's thread pool (runtime/thread_pool.h): every index once, jobs
// ordered, nested calls, the caller finishing jobs alone when workers are
// late, spin-then-sleep workers, clean shutdown.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "runtime/thread_pool.h"

using namespace lowbit;

namespace {

using Clock = std::chrono::steady_clock;

// Every index of [0, n) must be seen exactly once.
void check_each_index_once(ThreadPool& pool, size_t n) {
  std::vector<std::atomic<int>> seen(n);
  for (auto& s : seen) s.store(0);
  pool.parallel_for(n, [&](size_t i) { seen[i].fetch_add(1, std::memory_order_relaxed); });
  size_t wrong = 0;
  for (auto& s : seen) wrong += s.load() != 1;
  INFO(pool.num_threads() << " threads, n = " << n);
  CHECK(wrong == 0);
}

// A job of two tasks that each wait for the other to start: it finishes
// (true) only when a worker runs one of them while the caller runs the other.
bool two_threads_take_part(ThreadPool& pool) {
  std::atomic<int> started{0};
  std::atomic<bool> met{true};
  pool.parallel_for(2, [&](size_t) {
    started.fetch_add(1);
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (started.load() < 2) {
      if (Clock::now() > deadline) {
        met.store(false);
        started.fetch_add(1);  // lets the other task end too
        return;
      }
      std::this_thread::yield();
    }
  });
  return met.load();
}

// Waits (at most 20 s) until `workers` workers sleep.
bool workers_asleep(const ThreadPool& pool, int workers) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (pool.sleeping_workers() < workers) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

}  // namespace

TEST_CASE("thread pool: every index exactly once", "[runtime][threads]") {
  for (int threads : {1, 2, 3, 4}) {
    ThreadPool pool(threads);
    CHECK(pool.num_threads() == threads);
    for (size_t n : {size_t(0), size_t(1), size_t(2), size_t(3), size_t(7), size_t(64),
                     size_t(1000), size_t(100003)}) {
      check_each_index_once(pool, n);
    }
  }
  ThreadPool pool(3);
  for (size_t n0 : {0, 1, 5}) {
    for (size_t n1 : {0, 1, 7}) {
      std::vector<std::atomic<int>> seen(n0 * n1);
      for (auto& s : seen) s.store(0);
      pool.parallel_for_2d(n0, n1, [&](size_t i, size_t j) { seen[i * n1 + j].fetch_add(1); });
      for (auto& s : seen) CHECK(s.load() == 1);
    }
  }
}

TEST_CASE("thread pool: back-to-back jobs, each sees the one before", "[runtime][threads]") {
  // Each job reads what the one before wrote (plain ints): the join orders them.
  for (int threads : {2, 4}) {
    ThreadPool pool(threads);
    std::vector<int64_t> values(37, 0);
    for (int round = 0; round < 3000; ++round) {
      const size_t n = size_t(1 + round % 37);
      pool.parallel_for(n, [&](size_t i) { values[i] += 1 + int64_t(i); });
    }
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t rounds = 0;
      for (int round = 0; round < 3000; ++round) rounds += size_t(1 + round % 37) > i;
      CHECK(values[i] == rounds * int64_t(1 + i));
    }
  }
}

TEST_CASE("thread pool: a parallel_for inside a task runs on that thread", "[runtime][threads]") {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> seen(8 * 50);
  for (auto& s : seen) s.store(0);
  std::atomic<int> moved{0};
  pool.parallel_for(8, [&](size_t outer) {
    const auto me = std::this_thread::get_id();
    pool.parallel_for(50, [&](size_t inner) {
      moved += std::this_thread::get_id() != me;
      seen[outer * 50 + inner].fetch_add(1);
    });
  });
  CHECK(moved.load() == 0);
  for (auto& s : seen) CHECK(s.load() == 1);
}

TEST_CASE("thread pool: the caller finishes jobs alone while workers are away",
          "[runtime][threads]") {
  // What a descheduled worker looks like to the caller: jobs complete on the
  // caller's thread, nothing waits for the worker; afterwards it takes part again.
  ThreadPool pool(2);
  REQUIRE(pool.num_threads() == 2);
  pool.hold_workers(true);
  REQUIRE(workers_asleep(pool, 1));
  const auto me = std::this_thread::get_id();
  std::atomic<int> elsewhere{0}, tasks{0};
  for (int job = 0; job < 200; ++job) {
    pool.parallel_for(2 + job % 9, [&](size_t) {
      elsewhere += std::this_thread::get_id() != me;
      tasks.fetch_add(1);
    });
  }
  CHECK(elsewhere.load() == 0);
  int expected = 0;
  for (int job = 0; job < 200; ++job) expected += 2 + job % 9;
  CHECK(tasks.load() == expected);
  pool.hold_workers(false);
  CHECK(two_threads_take_part(pool));
}

TEST_CASE("thread pool: workers spin, then sleep, and wake for the next job",
          "[runtime][threads]") {
  ThreadPool pool(2);
  CHECK(two_threads_take_part(pool));  // the worker is spinning
  REQUIRE(workers_asleep(pool, 1));    // after kSpinNanoseconds without a job
  CHECK(two_threads_take_part(pool));  // woken by the job
  REQUIRE(workers_asleep(pool, 1));
  pool.wake();
  CHECK(two_threads_take_part(pool));
  // The hand-off the cost model's constant stands for: measurable, and it
  // leaves the pool working.
  CHECK(pool.measure_handoff_ns(11) > 0);
  check_each_index_once(pool, 100);
  CHECK(ThreadPool(1).measure_handoff_ns() == 0);
}

TEST_CASE("thread pool: a task's error reaches the caller, pools shut down cleanly",
          "[runtime][threads]") {
  // Kernels report a failing task through shared state (they do not throw
  // across the pool): every task still runs, the caller sees the failure.
  for (int cycle = 0; cycle < 60; ++cycle) {
    ThreadPool pool(1 + cycle % 4);
    std::atomic<int> failed{-1}, ran{0};
    pool.parallel_for(64, [&](size_t i) {
      ran.fetch_add(1);
      if (i == 17) failed.store(int(i));
    });
    CHECK(ran.load() == 64);
    CHECK(failed.load() == 17);
    // Destroyed with its workers spinning, asleep or held: no hang, no leak
    // (the ASan and TSan builds check the latter).
    if (cycle % 3 == 1) REQUIRE(workers_asleep(pool, pool.num_threads() - 1));
    if (cycle % 3 == 2) pool.hold_workers(true);
  }
  ThreadPool never_used(3);  // destroyed before its workers ever had a job
}

TEST_CASE("thread pool: single-threaded and planned pools start no threads", "[runtime][threads]") {
  ThreadPool single(1);
  CHECK(single.handle() == nullptr);
  check_each_index_once(single, 10);
  auto planned = ThreadPool::planned(3);
  CHECK(planned->num_threads() == 3);
  CHECK(planned->handle() == nullptr);
  const auto me = std::this_thread::get_id();
  std::atomic<int> elsewhere{0};
  planned->parallel_for(10, [&](size_t) { elsewhere += std::this_thread::get_id() != me; });
  CHECK(elsewhere.load() == 0);
  // XNNPACK's pthreadpool: created on first use, with the pool's thread count.
  ThreadPool pool(2);
  pthreadpool_t xnnpack = pool.handle();
  REQUIRE(xnnpack != nullptr);
  CHECK(pthreadpool_get_threads_count(xnnpack) == 2);
  CHECK(pool.handle() == xnnpack);
  check_each_index_once(pool, 100);  // parked workers come back for lowbit's jobs
}
