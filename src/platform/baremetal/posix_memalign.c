/* newlib-nano's C11 aligned_alloc (which the runtime's aligned buffers call,
 * newlib_compat.h) forwards to posix_memalign, and nano has none: this one
 * takes the block from nano's own memalign, which free() releases as any
 * other. */
#include <errno.h>
#include <malloc.h>
#include <stddef.h>

int posix_memalign(void** out, size_t alignment, size_t size);

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment % sizeof(void*) != 0) {
    return EINVAL;
  }
  void* block = memalign(alignment, size);
  if (block == NULL) return ENOMEM;
  *out = block;
  return 0;
}
