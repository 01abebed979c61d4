/* Counts every call of the C allocator (malloc, calloc, realloc, free and
 * their aligned forms) and of C++'s operator new and delete while counting
 * is on, so the firmware example can show that lowbit micro calls none of
 * them (allocation_counter.c). */
#ifndef LOWBIT_EXAMPLES_ALLOCATION_COUNTER_H_
#define LOWBIT_EXAMPLES_ALLOCATION_COUNTER_H_

#include <stddef.h>

void allocation_counting(int enabled);
size_t allocation_calls(void);

#endif
