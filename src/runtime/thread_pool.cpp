#include "runtime/thread_pool.h"

namespace lowbit {

ThreadPool::ThreadPool(int num_threads) : num_threads_(num_threads < 1 ? 1 : num_threads) {
  if (num_threads_ > 1) pool_ = pthreadpool_create(static_cast<size_t>(num_threads_));
  if (pool_ == nullptr) num_threads_ = 1;
}

std::unique_ptr<ThreadPool> ThreadPool::planned(int num_threads) {
  auto pool = std::make_unique<ThreadPool>(1);
  pool->num_threads_ = num_threads < 1 ? 1 : num_threads;
  return pool;
}

ThreadPool::~ThreadPool() {
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
}

}  // namespace lowbit
