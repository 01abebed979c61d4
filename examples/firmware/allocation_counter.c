/* Interposes the glibc allocator entry points (this executable's definitions
 * win over libc's) and forwards to glibc's internal implementations. */
#include "allocation_counter.h"

#include <errno.h>
#include <stddef.h>

void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);

static int counting;
static size_t count;

void allocation_counting(int enabled) { counting = enabled; }
size_t allocation_count(void) { return count; }

static void note(void) {
  if (counting) ++count;
}

void* malloc(size_t size) {
  note();
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) {
  note();
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) {
  note();
  return __libc_realloc(p, size);
}

void* aligned_alloc(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}

void* memalign(size_t alignment, size_t size) {
  note();
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  note();
  void* p = __libc_memalign(alignment, size);
  if (p == NULL) return ENOMEM;
  *out = p;
  return 0;
}

void free(void* p) { __libc_free(p); }
