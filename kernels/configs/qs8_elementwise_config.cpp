// The int8 ADD and MUL variants (kernels/qs8_elementwise.h) this build has:
// each SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>).
// Best first; the reference last.
#include "kernels/qs8_elementwise.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8AddFn, qs8_add, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs8MulFn, qs8_mul, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs16AddFn, qs16_add, AVX512, AVX2)
LOWBIT_REFERENCE_FAMILY(ref::Qs16MulFn, qs16_mul)
LOWBIT_REFERENCE_FAMILY(ref::Qs16PotAddFn, qs16_add_pot)

}  // namespace lowbit
