/* The firmware build has no threads: this stands in for pthreadpool with the
 * two entry points the runtime calls, running every task on the caller's
 * thread. pthreadpool_create returns NULL, which the runtime already treats
 * as "single-threaded". */
#include <pthreadpool.h>

pthreadpool_t pthreadpool_create(size_t threads_count) {
  (void)threads_count;
  return NULL;
}

void pthreadpool_destroy(pthreadpool_t threadpool) { (void)threadpool; }

size_t pthreadpool_get_threads_count(pthreadpool_t threadpool) {
  (void)threadpool;
  return 1;
}

void pthreadpool_parallelize_1d(pthreadpool_t threadpool, pthreadpool_task_1d_t function,
                                void* context, size_t range, uint32_t flags) {
  (void)threadpool;
  (void)flags;
  for (size_t i = 0; i < range; ++i) function(context, i);
}

void pthreadpool_parallelize_2d(pthreadpool_t threadpool, pthreadpool_task_2d_t function,
                                void* context, size_t range_i, size_t range_j, uint32_t flags) {
  (void)threadpool;
  (void)flags;
  for (size_t i = 0; i < range_i; ++i) {
    for (size_t j = 0; j < range_j; ++j) function(context, i, j);
  }
}
