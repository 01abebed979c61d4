/* Counts newlib's heap allocations: the image is linked with
 * -Wl,--wrap=_malloc_r, and every allocating entry point of newlib-nano
 * (malloc, calloc, realloc, memalign, so operator new too) ends in
 * _malloc_r. Same interface as the hosted example's glibc counter
 * (../allocation_counter.h). */
#include <stddef.h>

#include "../allocation_counter.h"

struct _reent;
void* __real__malloc_r(struct _reent* reent, size_t size);

static int counting;
static size_t count;

void allocation_counting(int enabled) { counting = enabled; }
size_t allocation_count(void) { return count; }

void* __wrap__malloc_r(struct _reent* reent, size_t size) {
  if (counting) ++count;
  return __real__malloc_r(reent, size);
}
