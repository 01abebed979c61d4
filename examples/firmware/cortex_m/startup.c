/* Reset and fault handling for the Cortex-M4 of mps2-an386: the vector
 * table, the FPU switched on before any C code runs (the image is built for
 * the hard-float ABI), .data and the thread-local block copied and .bss
 * cleared, static constructors,
 * main with its semihosting command line, and exit through semihosting. A
 * fault prints its name and ends the emulation with status 3, so a crash in
 * CI fails at once instead of spinning until the timeout. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "semihosting.h"

int main(int argc, char** argv);
void __libc_init_array(void); /* newlib: runs .preinit_array and .init_array */

extern char __data_start[], __data_end[], __data_load[]; /* mps2_an386.ld */
extern char __bss_start__[], __bss_end__[];
extern char __tdata_start[], __tdata_end[], __tdata_load[], __tbss_start[], __tbss_end[];
extern char __thread_pointer[], __stack_top[];

/* The ARM EABI's thread pointer query (thread_local variables), for the one
 * thread there is. It may change no register but r0. */
__attribute__((naked)) void* __aeabi_read_tp(void) {
  __asm__ volatile(
      "ldr r0, =__thread_pointer\n"
      "bx lr\n");
}

__attribute__((noreturn, used)) static void start(void) {
  memcpy(__data_start, __data_load, (size_t)(__data_end - __data_start));
  memset(__bss_start__, 0, (size_t)(__bss_end__ - __bss_start__));
  memcpy(__tdata_start, __tdata_load, (size_t)(__tdata_end - __tdata_start));
  memset(__tbss_start, 0, (size_t)(__tbss_end - __tbss_start));
  __libc_init_array();
  static char command_line[256];
  static char* argv[8];
  const int argc = semihosting_command_line(command_line, sizeof command_line, argv, 7);
  exit(main(argc, argv));
}

/* CPACR (0xE000ED88) bits 20-23: full access to coprocessors 10 and 11, the
 * FPU. Plain assembly: compiled C could already touch a float register. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile(
      "ldr r0, =0xE000ED88\n"
      "ldr r1, [r0]\n"
      "orr r1, r1, #(0xF << 20)\n"
      "str r1, [r0]\n"
      "dsb\n"
      "isb\n"
      "b start\n");
}

static void fault(const char* name) {
  semihosting_write(name, strlen(name));
  semihosting_exit(3);
}

static void nmi_handler(void) { fault("fault: NMI\n"); }
static void hard_fault_handler(void) { fault("fault: HardFault\n"); }
static void mem_manage_handler(void) { fault("fault: MemManage\n"); }
static void bus_fault_handler(void) { fault("fault: BusFault\n"); }
static void usage_fault_handler(void) { fault("fault: UsageFault\n"); }
static void unexpected_handler(void) { fault("fault: unexpected exception\n"); }

typedef void (*Handler)(void);
/* Word 0 is the initial stack pointer, then the system exceptions. */
__attribute__((section(".vectors"), used)) static const Handler vectors[16] = {
    (Handler)(uintptr_t)__stack_top, Reset_Handler, nmi_handler, hard_fault_handler,
    mem_manage_handler, bus_fault_handler, usage_fault_handler, 0, 0, 0, 0,
    unexpected_handler /* SVCall */, unexpected_handler /* DebugMonitor */, 0,
    unexpected_handler /* PendSV */, unexpected_handler /* SysTick */,
};
