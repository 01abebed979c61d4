// The bitpacking variants (kernels/bin_pack.h) this build has: each SIMD row
// only where its ISA's files are compiled (variant_rows.h). Best first; the
// reference last.
#include "kernels/bin_pack.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::BinPackF32Fn, bin_pack_f32, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::BinPackQs8Fn, bin_pack_qs8, AVX512, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
