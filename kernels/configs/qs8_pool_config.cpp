// The int8 and uint8 AVERAGE_POOL_2D and MAX_POOL_2D variants
// (kernels/qs8_pool.h) this build has: each SIMD row only where its ISA's
// files are compiled (variant_rows.h). Best first; the reference last.
#include "kernels/qs8_pool.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8Pool2dFn, qs8_average_pool2d, AVX2)
LOWBIT_KERNEL_FAMILY(ref::Qu8Pool2dFn, qu8_average_pool2d, AVX2)
LOWBIT_KERNEL_FAMILY(ref::Qs8Pool2dFn, qs8_max_pool2d, AVX2)
LOWBIT_KERNEL_FAMILY(ref::Qu8Pool2dFn, qu8_max_pool2d, AVX2)

}  // namespace lowbit
