// The REDUCE_MAX / REDUCE_MIN / SUM / MEAN plain-value variants
// (kernels/reduce.h) this build has.
#include "kernels/reduce.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::ReduceFn, reduce, AVX512, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
