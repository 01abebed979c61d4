// The ARG_MAX / ARG_MIN variants (kernels/arg_reduce.h) this build has.
#include "kernels/arg_reduce.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::ArgReduceFn, arg_reduce, AVX512, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
