// The int8 matrix-vector product variants (kernels/qs8_matvec.h) this build
// has: each SIMD row only where its ISA's files are compiled (variant_rows.h).
#include "kernels/qs8_matvec.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8MatvecFn, qs8_matvec, AVX2, NEON)

}  // namespace lowbit
