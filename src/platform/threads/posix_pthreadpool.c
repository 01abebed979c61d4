/* A small thread pool with the pthreadpool entry points lowbit's runtime
 * calls (create, destroy, get_threads_count, parallelize_1d/2d), for the
 * static bench_model and lowbit-run (src/platform/README.md). The caller runs tasks too;
 * indices are claimed one at a time from an atomic counter, which suits
 * lowbit's coarse tiles. Flags (denormal control) are ignored. */
#include <pthread.h>
#include <pthreadpool.h>
#include <stdatomic.h>
#include <stdlib.h>

struct pthreadpool {
  size_t threads; /* including the caller */
  pthread_t* workers;
  pthread_mutex_t mutex;
  pthread_cond_t work_ready;
  pthread_cond_t work_done;
  unsigned long generation; /* bumped for each job, under mutex */
  size_t busy_workers;      /* workers still inside the current job */
  int shutting_down;
  /* The current job, written under mutex before generation changes. */
  pthreadpool_task_1d_t task_1d;
  pthreadpool_task_2d_t task_2d;
  void* context;
  size_t range;   /* 1d: range; 2d: range_i * range_j */
  size_t range_j; /* 2d only */
  atomic_size_t next;
};

static void run_tasks(struct pthreadpool* pool) {
  for (;;) {
    const size_t index = atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
    if (index >= pool->range) return;
    if (pool->task_1d != NULL) {
      pool->task_1d(pool->context, index);
    } else {
      pool->task_2d(pool->context, index / pool->range_j, index % pool->range_j);
    }
  }
}

static void* worker_main(void* arg) {
  struct pthreadpool* pool = (struct pthreadpool*)arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&pool->mutex);
  for (;;) {
    while (pool->generation == seen && !pool->shutting_down) {
      pthread_cond_wait(&pool->work_ready, &pool->mutex);
    }
    if (pool->shutting_down) break;
    seen = pool->generation;
    pthread_mutex_unlock(&pool->mutex);
    run_tasks(pool);
    pthread_mutex_lock(&pool->mutex);
    if (--pool->busy_workers == 0) pthread_cond_signal(&pool->work_done);
  }
  pthread_mutex_unlock(&pool->mutex);
  return NULL;
}

pthreadpool_t pthreadpool_create(size_t threads_count) {
  if (threads_count <= 1) return NULL; /* the runtime treats NULL as single-threaded */
  struct pthreadpool* pool = calloc(1, sizeof(*pool));
  if (pool == NULL) return NULL;
  pool->workers = calloc(threads_count - 1, sizeof(pthread_t));
  if (pool->workers == NULL) {
    free(pool);
    return NULL;
  }
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->work_ready, NULL);
  pthread_cond_init(&pool->work_done, NULL);
  atomic_init(&pool->next, 0);
  pool->threads = 1;
  for (size_t i = 0; i + 1 < threads_count; ++i) {
    if (pthread_create(&pool->workers[i], NULL, worker_main, pool) != 0) break;
    pool->threads++;
  }
  return pool;
}

void pthreadpool_destroy(pthreadpool_t pool) {
  if (pool == NULL) return;
  pthread_mutex_lock(&pool->mutex);
  pool->shutting_down = 1;
  pthread_cond_broadcast(&pool->work_ready);
  pthread_mutex_unlock(&pool->mutex);
  for (size_t i = 0; i + 1 < pool->threads; ++i) pthread_join(pool->workers[i], NULL);
  pthread_cond_destroy(&pool->work_done);
  pthread_cond_destroy(&pool->work_ready);
  pthread_mutex_destroy(&pool->mutex);
  free(pool->workers);
  free(pool);
}

size_t pthreadpool_get_threads_count(pthreadpool_t pool) {
  return pool == NULL ? 1 : pool->threads;
}

static void run_job(struct pthreadpool* pool, pthreadpool_task_1d_t task_1d,
                    pthreadpool_task_2d_t task_2d, void* context, size_t range, size_t range_j) {
  pthread_mutex_lock(&pool->mutex);
  pool->task_1d = task_1d;
  pool->task_2d = task_2d;
  pool->context = context;
  pool->range = range;
  pool->range_j = range_j;
  atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
  pool->busy_workers = pool->threads - 1;
  pool->generation++;
  pthread_cond_broadcast(&pool->work_ready);
  pthread_mutex_unlock(&pool->mutex);
  run_tasks(pool);
  pthread_mutex_lock(&pool->mutex);
  while (pool->busy_workers != 0) pthread_cond_wait(&pool->work_done, &pool->mutex);
  pthread_mutex_unlock(&pool->mutex);
}

void pthreadpool_parallelize_1d(pthreadpool_t pool, pthreadpool_task_1d_t function, void* context,
                                size_t range, uint32_t flags) {
  (void)flags;
  if (pool == NULL || pool->threads == 1 || range <= 1) {
    for (size_t i = 0; i < range; ++i) function(context, i);
    return;
  }
  run_job(pool, function, NULL, context, range, 1);
}

void pthreadpool_parallelize_2d(pthreadpool_t pool, pthreadpool_task_2d_t function, void* context,
                                size_t range_i, size_t range_j, uint32_t flags) {
  (void)flags;
  if (pool == NULL || pool->threads == 1 || range_i * range_j <= 1) {
    for (size_t i = 0; i < range_i; ++i) {
      for (size_t j = 0; j < range_j; ++j) function(context, i, j);
    }
    return;
  }
  run_job(pool, NULL, function, context, range_i * range_j, range_j);
}
