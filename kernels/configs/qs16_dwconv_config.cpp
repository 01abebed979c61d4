// The 16x8 depthwise variants (kernels/qs16_dwconv.h) this build has, best first.
#include "kernels/configs/variant_rows.h"
#include "kernels/qs16_dwconv.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(Qs16DwconvFn, qs16_dwconv, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
