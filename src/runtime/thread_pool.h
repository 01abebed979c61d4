// The runtime's threads: a thin owner of a pthreadpool that also serves XNNPACK.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <memory>
#include <utility>

// ThreadSanitizer cannot see pthreadpool's fork and join (Debian's library is
// not instrumented), so under TSan the pool states them: what the caller did
// before parallel_for happens before every task, and every task happens before
// parallel_for returns. Tasks are not ordered among themselves, so races
// between tasks are still reported.
#if defined(__SANITIZE_THREAD__)
#define LOWBIT_TSAN_ANNOTATIONS 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOWBIT_TSAN_ANNOTATIONS 1
#endif
#endif
#ifdef LOWBIT_TSAN_ANNOTATIONS
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace lowbit {
namespace detail {
inline void tsan_acquire(const void* addr) {
#ifdef LOWBIT_TSAN_ANNOTATIONS
  __tsan_acquire(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}
inline void tsan_release(const void* addr) {
#ifdef LOWBIT_TSAN_ANNOTATIONS
  __tsan_release(const_cast<void*>(addr));
#else
  (void)addr;
#endif
}
// Sync addresses of one parallel call: fork = the task context, join = one byte on.
inline const void* tsan_join(const void* ctx) { return static_cast<const char*>(ctx) + 1; }
}  // namespace detail

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);  // 1 = run on the caller's thread
  // A pool that reports the thread count ThreadPool(num_threads) would have
  // but starts no threads and runs everything on the caller's thread: for
  // lowbit_arena_size's sizing pass, whose kernels only read num_threads().
  // (Should pthreadpool_create fail where it normally succeeds, the real pool
  // has one thread where this one reports num_threads.)
  static std::unique_ptr<ThreadPool> planned(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }
  // nullptr when single-threaded (XNNPACK and pthreadpool accept that).
  pthreadpool_t handle() const { return pool_; }

  // Calls f(i) for every i in [0, n), spread over the threads. No allocation.
  template <typename F>
  void parallel_for(size_t n, F&& f) {
    using Fn = std::remove_reference_t<F>;
    detail::tsan_release(&f);
    pthreadpool_parallelize_1d(
        pool_,
        [](void* ctx, size_t i) {
          detail::tsan_acquire(ctx);
          (*static_cast<Fn*>(ctx))(i);
          detail::tsan_release(detail::tsan_join(ctx));
        },
        const_cast<void*>(static_cast<const void*>(&f)), n, 0);
    detail::tsan_acquire(detail::tsan_join(&f));
  }

  // Calls f(i, j) for i in [0, n0), j in [0, n1).
  template <typename F>
  void parallel_for_2d(size_t n0, size_t n1, F&& f) {
    using Fn = std::remove_reference_t<F>;
    detail::tsan_release(&f);
    pthreadpool_parallelize_2d(
        pool_,
        [](void* ctx, size_t i, size_t j) {
          detail::tsan_acquire(ctx);
          (*static_cast<Fn*>(ctx))(i, j);
          detail::tsan_release(detail::tsan_join(ctx));
        },
        const_cast<void*>(static_cast<const void*>(&f)), n0, n1, 0);
    detail::tsan_acquire(detail::tsan_join(&f));
  }

 private:
  int num_threads_;
  pthreadpool_t pool_ = nullptr;
};

}  // namespace lowbit
