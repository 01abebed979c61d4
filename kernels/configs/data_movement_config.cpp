// The data movement variants (kernels/data_movement.h): SIMD transposes for
// the strided copy, the reference for GATHER.
#include "kernels/data_movement.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::StridedCopyFn, move_strided, AVX2, NEON, ARMV7NEON)
LOWBIT_REFERENCE_FAMILY(ref::GatherFn, move_gather)

}  // namespace lowbit
