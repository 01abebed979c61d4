// The quantized math variants (kernels/qs8_math.h): the table lookup in AVX2 and
// aarch64 NEON, PRELU and SQUARED_DIFFERENCE in AVX-512, AVX2 and both NEONs, LEAKY_RELU's float path
// reference only so far.
#include "kernels/qs8_math.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::X8LutFn, x8_lut, AVX2, NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs8PreluFn, qs8_prelu, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::Qs8SquaredDifferenceFn, qs8_squared_difference, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_REFERENCE_FAMILY(F32LeakyReluFn, f32_leaky_relu)
LOWBIT_REFERENCE_FAMILY(ref::Qs16LeakyReluFn, qs16_leaky_relu)
LOWBIT_KERNEL_FAMILY(ref::Qs16SigmoidFn, qs16_logistic, AVX2)
LOWBIT_KERNEL_FAMILY(ref::Qs16SigmoidFn, qs16_tanh, AVX2)

}  // namespace lowbit
