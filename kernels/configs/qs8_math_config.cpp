// The quantized math variants (kernels/qs8_math.h): the table lookup in AVX2 and
// aarch64 NEON, the others reference only so far.
#include "kernels/qs8_math.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::X8LutFn, x8_lut, AVX2, NEON)
LOWBIT_REFERENCE_FAMILY(ref::Qs8PreluFn, qs8_prelu)
LOWBIT_REFERENCE_FAMILY(ref::Qs8SquaredDifferenceFn, qs8_squared_difference)
LOWBIT_REFERENCE_FAMILY(F32LeakyReluFn, f32_leaky_relu)

}  // namespace lowbit
