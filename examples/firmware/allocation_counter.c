/* The allocator hooks of the firmware example. The image is linked with
 * -Wl,--wrap for each allocator entry point (examples/firmware/CMakeLists.txt):
 * glibc's malloc, calloc, realloc, free, aligned_alloc and posix_memalign on
 * Linux; on bare metal newlib-nano's reentrant _malloc_r, _calloc_r,
 * _realloc_r, _free_r and _memalign_r, which every newlib allocation passes
 * through. The image links no libstdc++, so operator new and delete (the
 * usual and the sized forms, 64- and 32-bit manglings) are defined here as
 * well: a call to them from lowbit would reach this file and be counted. */
#include "allocation_counter.h"

#include <stdint.h>
#include <stdlib.h>

static int counting;
static size_t calls;

void allocation_counting(int enabled) { counting = enabled; }
size_t allocation_calls(void) { return calls; }

static void note(void) {
  if (counting) ++calls;
}

#if defined(__NEWLIB__)
struct _reent;
void* __real__malloc_r(struct _reent* r, size_t n);
void* __real__calloc_r(struct _reent* r, size_t count, size_t n);
void* __real__realloc_r(struct _reent* r, void* p, size_t n);
void __real__free_r(struct _reent* r, void* p);
void* __real__memalign_r(struct _reent* r, size_t alignment, size_t n);
void* __wrap__malloc_r(struct _reent* r, size_t n);
void* __wrap__calloc_r(struct _reent* r, size_t count, size_t n);
void* __wrap__realloc_r(struct _reent* r, void* p, size_t n);
void __wrap__free_r(struct _reent* r, void* p);
void* __wrap__memalign_r(struct _reent* r, size_t alignment, size_t n);

void* __wrap__malloc_r(struct _reent* r, size_t n) {
  note();
  return __real__malloc_r(r, n);
}
void* __wrap__calloc_r(struct _reent* r, size_t count, size_t n) {
  note();
  return __real__calloc_r(r, count, n);
}
void* __wrap__realloc_r(struct _reent* r, void* p, size_t n) {
  note();
  return __real__realloc_r(r, p, n);
}
void __wrap__free_r(struct _reent* r, void* p) {
  note();
  __real__free_r(r, p);
}
void* __wrap__memalign_r(struct _reent* r, size_t alignment, size_t n) {
  note();
  return __real__memalign_r(r, alignment, n);
}
#else
void* __real_malloc(size_t n);
void* __real_calloc(size_t count, size_t n);
void* __real_realloc(void* p, size_t n);
void __real_free(void* p);
void* __real_aligned_alloc(size_t alignment, size_t n);
int __real_posix_memalign(void** p, size_t alignment, size_t n);
void* __wrap_malloc(size_t n);
void* __wrap_calloc(size_t count, size_t n);
void* __wrap_realloc(void* p, size_t n);
void __wrap_free(void* p);
void* __wrap_aligned_alloc(size_t alignment, size_t n);
int __wrap_posix_memalign(void** p, size_t alignment, size_t n);

void* __wrap_malloc(size_t n) {
  note();
  return __real_malloc(n);
}
void* __wrap_calloc(size_t count, size_t n) {
  note();
  return __real_calloc(count, n);
}
void* __wrap_realloc(void* p, size_t n) {
  note();
  return __real_realloc(p, n);
}
void __wrap_free(void* p) {
  note();
  __real_free(p);
}
void* __wrap_aligned_alloc(size_t alignment, size_t n) {
  note();
  return __real_aligned_alloc(alignment, n);
}
int __wrap_posix_memalign(void** p, size_t alignment, size_t n) {
  note();
  return __real_posix_memalign(p, alignment, n);
}
#endif

/* operator new(size_t), new[](size_t), delete(void*), delete[](void*) and
 * the sized deletes, by their Itanium C++ ABI names (size_t is "m", unsigned
 * long, on 64-bit targets and "j", unsigned int, on 32-bit ARM). */
#if SIZE_MAX > 0xFFFFFFFFu
#define LOWBIT_CXX_SIZE(name) name##m
#else
#define LOWBIT_CXX_SIZE(name) name##j
#endif
void* LOWBIT_CXX_SIZE(_Znw)(size_t n);
void* LOWBIT_CXX_SIZE(_Zna)(size_t n);
void _ZdlPv(void* p);
void _ZdaPv(void* p);
void LOWBIT_CXX_SIZE(_ZdlPv)(void* p, size_t n);
void LOWBIT_CXX_SIZE(_ZdaPv)(void* p, size_t n);

/* new must not return NULL: with no exceptions, failing is abort(). */
static void* new_bytes(size_t n) {
  note();
  void* p = malloc(n != 0 ? n : 1);
  if (p == NULL) abort();
  return p;
}
void* LOWBIT_CXX_SIZE(_Znw)(size_t n) { return new_bytes(n); }
void* LOWBIT_CXX_SIZE(_Zna)(size_t n) { return new_bytes(n); }
void _ZdlPv(void* p) {
  note();
  free(p);
}
void _ZdaPv(void* p) { _ZdlPv(p); }
void LOWBIT_CXX_SIZE(_ZdlPv)(void* p, size_t n) {
  (void)n;
  _ZdlPv(p);
}
void LOWBIT_CXX_SIZE(_ZdaPv)(void* p, size_t n) {
  (void)n;
  _ZdlPv(p);
}
