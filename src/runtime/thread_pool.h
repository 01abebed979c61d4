// The runtime's threads. lowbit's own operators run on lowbit's pool
// (parallel_for); XNNPACK's float operators get a pthreadpool (handle()),
// created on first use, since XNNPACK takes nothing else.
//
// Why a pool of its own: an inference is a chain of operators of a few to a
// few hundred microseconds. pthreadpool's caller waits until every worker has
// checked in to each job, so on a loaded machine one descheduled worker holds
// the whole inference up (two threads measured 2x slower than one). Here the
// caller claims chunks of the job like any worker and waits only for chunks a
// worker has actually started: a worker that is late finds nothing left.
// Idle workers spin on the next job for kSpinNanoseconds and only then sleep,
// so the operators of one inference hand off without a sleep/wake round trip.
// See docs/api.md ("Threads").
#pragma once

#include <pthreadpool.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace lowbit {

class ThreadPool {
 public:
  // How long an idle worker spins for the next job before it sleeps.
  static constexpr int64_t kSpinNanoseconds = 200000;

  explicit ThreadPool(int num_threads);  // 1 = run on the caller's thread
  // A pool that reports the thread count ThreadPool(num_threads) would have
  // but starts no threads and runs everything on the caller's thread: for
  // lowbit_arena_size's sizing pass, whose kernels only read num_threads().
  // (Should thread creation fail where it normally succeeds, the real pool
  // has fewer threads than this one reports.)
  static std::unique_ptr<ThreadPool> planned(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The thread count operators split their work for.
  int num_threads() const { return num_threads_; }

  // Lets sleeping workers start waking up without giving them work, so that
  // the first parallel operator of an inference finds them spinning.
  void wake();

  // For XNNPACK: a pthreadpool of num_threads() threads, created on the first
  // call; nullptr when single-threaded or planned (XNNPACK accepts that).
  // While XNNPACK runs, this pool's workers sleep instead of spinning on the
  // cores its threads need.
  pthreadpool_t handle();

  // The median extra latency of a job handed to every worker over running it
  // on the caller (publish, pick-up, join), workers spinning: what
  // ThreadCostModel's hand-off constant stands for. Runs `trials` empty jobs;
  // 0 for a pool without workers. For tests and tuning, never for decisions.
  double measure_handoff_ns(int trials = 101);

  // For tests: held workers stand aside as if descheduled (they claim
  // nothing), so every job must complete on the caller alone.
  void hold_workers(bool held) { held_.store(held, std::memory_order_relaxed); }
  // Workers asleep (not spinning) right now.
  int sleeping_workers() const { return sleepers_.load(std::memory_order_relaxed); }

  // Calls f(i) for every i in [0, n), spread over the threads. Each index
  // runs exactly once; which thread runs it varies. Called from inside a
  // task, it runs on the calling thread. No allocation.
  template <typename F>
  void parallel_for(size_t n, F&& f) {
    using Fn = std::remove_reference_t<F>;
    dispatch(
        [](void* ctx, size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) (*static_cast<Fn*>(ctx))(i);
        },
        const_cast<void*>(static_cast<const void*>(&f)), n);
  }

  // Calls f(i, j) for i in [0, n0), j in [0, n1).
  template <typename F>
  void parallel_for_2d(size_t n0, size_t n1, F&& f) {
    if (n1 == 0) return;
    auto flat = [&f, n1](size_t k) { f(k / n1, k % n1); };
    parallel_for(n0 * n1, flat);
  }

 private:
  using RangeFn = void (*)(void* ctx, size_t begin, size_t end);

  // Runs fn over [0, n) in chunks; the caller takes part unless it only
  // times the hand-off.
  void dispatch(RangeFn fn, void* ctx, size_t n, bool caller_works = true);
  bool run_one_chunk();  // claims and runs one chunk of the current job
  void worker_main();
  uint64_t wait_for_job(uint64_t seen);
  void publish();

  int num_threads_ = 1;
  pthreadpool_t pthreadpool_ = nullptr;
  bool planned_ = false;

  // The current job. Workers read it only after claiming one of its chunks,
  // so it is never read while the next job is written.
  RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  size_t n_ = 0;

  // (chunk count << 32) | next unclaimed chunk. A claim is a compare-and-swap
  // on the whole word, so it can only take a chunk of the job it describes.
  alignas(64) std::atomic<uint64_t> claim_{0};
  alignas(64) std::atomic<size_t> done_{0};  // chunks finished
  alignas(64) std::atomic<uint64_t> generation_{0};  // jobs (and wakes) published
  alignas(64) std::atomic<int> sleepers_{0};
  std::atomic<bool> parked_{false};  // XNNPACK runs: sleep rather than spin
  std::atomic<bool> held_{false};    // hold_workers
  std::atomic<bool> stop_{false};
  std::mutex sleep_mutex_;
  std::condition_variable wake_cv_;
  std::vector<std::thread> workers_;
};

}  // namespace lowbit
