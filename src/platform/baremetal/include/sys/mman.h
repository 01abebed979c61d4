/* Bare metal has no virtual memory and no files to map: mmap always fails,
 * so Model::from_file (src/format/model.cpp) reports an error and firmware
 * loads its model from a buffer (lowbit_model_create_from_buffer...). Only
 * what that file uses is declared. */
#ifndef LOWBIT_PLATFORM_BAREMETAL_SYS_MMAN_H_
#define LOWBIT_PLATFORM_BAREMETAL_SYS_MMAN_H_

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

#define PROT_READ 1
#define MAP_PRIVATE 2
#define MAP_FAILED ((void*)-1)

static inline void* mmap(void* address, size_t length, int protection, int flags, int fd,
                         off_t offset) {
  (void)address;
  (void)length;
  (void)protection;
  (void)flags;
  (void)fd;
  (void)offset;
  errno = ENOSYS;
  return MAP_FAILED;
}

static inline int munmap(void* address, size_t length) {
  (void)address;
  (void)length;
  return 0;
}

#endif
