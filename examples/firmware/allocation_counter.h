/* Counts calls to the C allocator (operator new ends up there too) so the
 * firmware example can prove that nothing allocates after initialisation. */
#ifndef LOWBIT_EXAMPLES_ALLOCATION_COUNTER_H_
#define LOWBIT_EXAMPLES_ALLOCATION_COUNTER_H_

#include <stddef.h>

void allocation_counting(int enabled);
size_t allocation_count(void);

#endif
