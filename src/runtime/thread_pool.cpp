#include "runtime/thread_pool.h"

#include "lowbit/interpreter.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace lowbit {
namespace {

using Clock = std::chrono::steady_clock;

// Set on the pool's workers and on a caller while it runs tasks: a
// parallel_for from inside a task then runs on that thread (a pool has one
// job at a time).
thread_local bool t_inside_task = false;

// One contiguous chunk per thread: a late worker's whole share goes to the
// caller. Four per thread (a finer split, so a worker preempted mid-chunk
// holds up less) measured 0.82 against 0.68 t2/t1 on MobileNetV2 on an idle
// 2-vCPU Xeon, depthwise layers 24 % slower (interleaved chunks share input
// rows across threads), and only 1.01-1.03 against 1.02-1.08 with another
// process busy on one vCPU (scripts/bench_threads.py --hog 1).
constexpr size_t kChunksPerThread = 1;
constexpr int kMaxThreads = kMaxNumThreads;
// Spins between looks at the clock (and yields of the CPU): a few microseconds.
constexpr unsigned kSpinsPerYield = 64;
// Spins of a caller waiting for a worker's chunk before it yields the CPU
// instead: the worker may be waiting for this very CPU.
constexpr unsigned kJoinSpins = 256;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
  __asm__ __volatile__("yield");
#endif
}

double nanoseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

}  // namespace

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::clamp(num_threads, 1, kMaxThreads)) {
  if (num_threads_ == 1) return;
  try {
    workers_.reserve(size_t(num_threads_ - 1));
    for (int i = 0; i < num_threads_ - 1; ++i) workers_.emplace_back([this] { worker_main(); });
  } catch (...) {
    // Thread creation refused: run with the threads that did start.
  }
  num_threads_ = int(workers_.size()) + 1;
}

std::unique_ptr<ThreadPool> ThreadPool::planned(int num_threads) {
  auto pool = std::make_unique<ThreadPool>(1);
  pool->num_threads_ = std::clamp(num_threads, 1, kMaxThreads);
  pool->planned_ = true;
  return pool;
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_seq_cst);
  {
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    wake_cv_.notify_all();
  }
  for (std::thread& t : workers_) t.join();
  if (pthreadpool_ != nullptr) pthreadpool_destroy(pthreadpool_);
}

pthreadpool_t ThreadPool::handle() {
  if (pthreadpool_ == nullptr && num_threads_ > 1 && !planned_) {
    pthreadpool_ = pthreadpool_create(size_t(num_threads_));
  }
  if (pthreadpool_ != nullptr) parked_.store(true, std::memory_order_relaxed);
  return pthreadpool_;
}

void ThreadPool::publish() {
  parked_.store(false, std::memory_order_relaxed);
  // seq_cst store then seq_cst load of sleepers_, against the worker's
  // increment of sleepers_ then load of generation_: one of the two sees the
  // other, so a worker never sleeps through a job.
  generation_.fetch_add(1, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    wake_cv_.notify_all();
  }
}

void ThreadPool::wake() {
  if (!workers_.empty() && sleepers_.load(std::memory_order_relaxed) > 0) publish();
}

bool ThreadPool::run_one_chunk() {
  uint64_t word = claim_.load(std::memory_order_acquire);
  for (;;) {
    const uint64_t chunks = word >> 32, next = word & 0xffffffffu;
    if (next >= chunks) return false;
    if (claim_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
      // The claim synchronizes with the dispatch that stored this job, and the
      // job cannot end before this chunk is counted done: fn_, ctx_, n_ are its own.
      const size_t begin = size_t(uint64_t(n_) * next / chunks);
      const size_t end = size_t(uint64_t(n_) * (next + 1) / chunks);
      fn_(ctx_, begin, end);
      done_.fetch_add(1, std::memory_order_release);
      return true;
    }
  }
}

void ThreadPool::dispatch(RangeFn fn, void* ctx, size_t n, bool caller_works) {
  if (n == 0) return;
  if (caller_works && (workers_.empty() || t_inside_task || n == 1)) {
    fn(ctx, 0, n);
    return;
  }
  const size_t chunks = std::min(n, size_t(num_threads_) * kChunksPerThread);
  fn_ = fn;
  ctx_ = ctx;
  n_ = n;
  done_.store(0, std::memory_order_relaxed);
  claim_.store(uint64_t(chunks) << 32, std::memory_order_release);
  publish();
  if (caller_works) {
    t_inside_task = true;
    while (run_one_chunk()) {
    }
    t_inside_task = false;
  }
  // Only chunks a worker has claimed are left: wait for those, yielding the
  // CPU if the worker holding one has been descheduled.
  for (unsigned spin = 0; done_.load(std::memory_order_acquire) < chunks; ++spin) {
    if (spin < kJoinSpins) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
}

uint64_t ThreadPool::wait_for_job(uint64_t seen) {
  const Clock::time_point start = Clock::now();
  for (unsigned spin = 1;; ++spin) {
    const uint64_t g = generation_.load(std::memory_order_acquire);
    if (g != seen || stop_.load(std::memory_order_relaxed)) return g;
    if (parked_.load(std::memory_order_relaxed) || held_.load(std::memory_order_relaxed)) break;
    cpu_relax();
    if (spin % kSpinsPerYield == 0) {
      if (nanoseconds_since(start) > double(kSpinNanoseconds)) break;
      // Lets a thread of another process that waits for this CPU run now,
      // while there is nothing to do, rather than preempt this worker later
      // in the middle of a chunk the caller would then wait for.
      std::this_thread::yield();
    }
  }
  std::unique_lock<std::mutex> lock(sleep_mutex_);
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  uint64_t g = generation_.load(std::memory_order_seq_cst);
  while (g == seen && !stop_.load(std::memory_order_seq_cst)) {
    wake_cv_.wait(lock);
    g = generation_.load(std::memory_order_seq_cst);
  }
  sleepers_.fetch_sub(1, std::memory_order_seq_cst);
  return g;
}

void ThreadPool::worker_main() {
  t_inside_task = true;
  // A worker may start after the first jobs were published: it looks for
  // chunks at once, and a job it missed has none left.
  uint64_t seen = generation_.load(std::memory_order_acquire);
  for (;;) {
    if (stop_.load(std::memory_order_acquire)) return;
    while (!held_.load(std::memory_order_relaxed) && run_one_chunk()) {
    }
    seen = wait_for_job(seen);
  }
}

double ThreadPool::measure_handoff_ns(int trials) {
  if (workers_.empty() || trials < 1) return 0;
  // Jobs of one empty chunk per worker that the caller does not help with:
  // from publishing to the last chunk done is what a parallel operator pays
  // over a serial one (besides splitting its work).
  auto nothing = [](void*, size_t, size_t) {};
  std::vector<double> ns(size_t(trials), 0.0);
  for (int i = 0; i < 3; ++i) dispatch(nothing, nullptr, workers_.size(), /*caller_works=*/false);
  for (double& t : ns) {
    const Clock::time_point start = Clock::now();
    dispatch(nothing, nullptr, workers_.size(), /*caller_works=*/false);
    t = nanoseconds_since(start);
  }
  std::nth_element(ns.begin(), ns.begin() + ns.size() / 2, ns.end());
  return ns[ns.size() / 2];
}

}  // namespace lowbit
