/* Arm semihosting (the debugger's, here QEMU's, services reached through
 * BKPT 0xAB): console output, the command line and the exit status, so a
 * bare-metal program under qemu-system-arm prints, takes arguments and makes
 * QEMU exit with its status. */
#ifndef LOWBIT_EXAMPLES_CORTEX_M_SEMIHOSTING_H_
#define LOWBIT_EXAMPLES_CORTEX_M_SEMIHOSTING_H_

#include <stddef.h>

/* Writes len bytes to the host's standard output. */
void semihosting_write(const char* data, size_t len);
/* The command line QEMU was given (-semihosting-config arg=...), split at
 * spaces into at most max_args words of buf; returns the number of words. */
int semihosting_command_line(char* buf, size_t size, char** argv, int max_args);
/* Ends the emulation: QEMU exits with this status. */
void semihosting_exit(int status) __attribute__((noreturn));
/* Bytes of heap newlib's malloc has taken (its high-water mark). */
size_t semihosting_heap_used(void);

#endif
