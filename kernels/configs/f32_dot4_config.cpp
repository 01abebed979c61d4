// The float dot product variants (kernels/f32_dot4.h) this build has: each
// SIMD row only where its ISA's files are compiled (variant_rows.h).
#include "kernels/f32_dot4.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::F32Dot4Fn, f32_dot4, AVX2, NEON)

}  // namespace lowbit
