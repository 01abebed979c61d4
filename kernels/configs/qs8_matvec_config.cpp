// The int8 matrix-vector product and row dot product variants
// (kernels/qs8_matvec.h) this build has: each SIMD row only where its ISA's
// files are compiled (variant_rows.h).
#include "kernels/qs8_matvec.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8MatvecFn, qs8_matvec, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs8RowdotFn, qs8_rowdot, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs16RowdotFn, qs16_rowdot, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
