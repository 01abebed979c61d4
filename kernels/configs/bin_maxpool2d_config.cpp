// The binary max-pooling variants (kernels/bin_maxpool2d.h) this build has:
// each SIMD row only where its ISA's files are compiled (variant_rows.h). Best
// first; the reference last.
#include "kernels/bin_maxpool2d.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::BinMaxPool2DFn, bin_maxpool2d, AVX512, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
