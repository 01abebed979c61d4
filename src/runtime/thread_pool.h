// The runtime's threads: a thin owner of a pthreadpool that also serves XNNPACK.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <utility>

namespace lowbit {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);  // 1 = run on the caller's thread
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
    pthreadpool_parallelize_1d(
        pool_, [](void* ctx, size_t i) { (*static_cast<Fn*>(ctx))(i); },
        const_cast<void*>(static_cast<const void*>(&f)), n, 0);
  }

  // Calls f(i, j) for i in [0, n0), j in [0, n1).
  template <typename F>
  void parallel_for_2d(size_t n0, size_t n1, F&& f) {
    using Fn = std::remove_reference_t<F>;
    pthreadpool_parallelize_2d(
        pool_, [](void* ctx, size_t i, size_t j) { (*static_cast<Fn*>(ctx))(i, j); },
        const_cast<void*>(static_cast<const void*>(&f)), n0, n1, 0);
  }

 private:
  int num_threads_;
  pthreadpool_t pool_ = nullptr;
};

}  // namespace lowbit
