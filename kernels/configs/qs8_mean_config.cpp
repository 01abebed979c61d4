// The int8 and uint8 MEAN variants (kernels/qs8_mean.h) this build has: each
// SIMD row only where its ISA's files are compiled (variant_rows.h). Best
// first; the reference last.
#include "kernels/qs8_mean.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8MeanFn, qs8_mean, AVX2)
LOWBIT_KERNEL_FAMILY(ref::Qu8MeanFn, qu8_mean, AVX2, NEON, ARMV7NEON)
LOWBIT_REFERENCE_FAMILY(ref::Qs16MeanFn, qs16_mean)

}  // namespace lowbit
