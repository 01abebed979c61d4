/* Semihosting calls and the system calls newlib-nano needs on this board:
 * stdout and stderr go to the host, files do not exist, the heap is the
 * linker script's (mps2_an386.ld) and ends before the stack. */
#include "semihosting.h"

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

enum {
  kSysOpen = 0x01,
  kSysWrite = 0x05,
  kSysGetCmdline = 0x15,
  kSysExitExtended = 0x20,
  kAdpStoppedApplicationExit = 0x20026,
  kOpenModeWrite = 4, /* fopen's "w" */
};

static int semihosting_call(int operation, void* argument) {
  register int r0 __asm__("r0") = operation;
  register void* r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

/* ":tt" opened for writing is the host's standard output. */
static int host_stdout(void) {
  static int handle = -1;
  if (handle < 0) {
    static char name[] = ":tt";
    uintptr_t block[3] = {(uintptr_t)name, kOpenModeWrite, sizeof name - 1};
    handle = semihosting_call(kSysOpen, block);
  }
  return handle;
}

void semihosting_write(const char* data, size_t len) {
  uintptr_t block[3] = {(uintptr_t)host_stdout(), (uintptr_t)data, len};
  semihosting_call(kSysWrite, block);
}

int semihosting_command_line(char* buf, size_t size, char** argv, int max_args) {
  uintptr_t block[2] = {(uintptr_t)buf, size};
  if (size == 0 || semihosting_call(kSysGetCmdline, block) != 0) return 0;
  buf[size - 1] = '\0';
  int argc = 0;
  char* p = buf;
  while (*p != '\0' && argc < max_args) {
    while (*p == ' ') *p++ = '\0';
    if (*p == '\0') break;
    argv[argc++] = p;
    while (*p != '\0' && *p != ' ') ++p;
  }
  return argc;
}

void semihosting_exit(int status) {
  uintptr_t block[2] = {kAdpStoppedApplicationExit, (uintptr_t)status};
  for (;;) semihosting_call(kSysExitExtended, block);
}

/* --- newlib's system calls --- */

extern char __heap_start[], __heap_end[]; /* mps2_an386.ld */
static char* heap_top = __heap_start;

size_t semihosting_heap_used(void) { return (size_t)(heap_top - __heap_start); }

void* _sbrk(ptrdiff_t increment) {
  if (increment > __heap_end - heap_top) {
    errno = ENOMEM;
    return (void*)-1;
  }
  char* previous = heap_top;
  heap_top += increment;
  return previous;
}

int _write(int fd, const char* data, int len) {
  if (fd != 1 && fd != 2) {
    errno = EBADF;
    return -1;
  }
  semihosting_write(data, (size_t)len);
  return len;
}

int _read(int fd, char* data, int len) {
  (void)fd;
  (void)data;
  (void)len;
  errno = EBADF;
  return -1;
}

int _close(int fd) {
  (void)fd;
  return -1;
}

int _fstat(int fd, struct stat* st) {
  (void)fd;
  st->st_mode = S_IFCHR; /* a terminal: newlib line-buffers stdout */
  return 0;
}

int _isatty(int fd) { return fd <= 2; }

int _lseek(int fd, int offset, int whence) {
  (void)fd;
  (void)offset;
  (void)whence;
  return -1;
}

int _getpid(void) { return 1; }

int _kill(int pid, int signal) {
  (void)pid;
  semihosting_exit(128 + signal); /* abort() raises SIGABRT */
}

void _exit(int status) { semihosting_exit(status); }

/* No file system: Model::from_file and lowbit_model_create_from_file fail here. */
int _open(const char* path, int flags, int mode) {
  (void)path;
  (void)flags;
  (void)mode;
  errno = ENOSYS;
  return -1;
}
