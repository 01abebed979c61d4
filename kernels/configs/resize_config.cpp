// The resampling variants (kernels/resize.h) this build has: each SIMD row
// only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best first; the
// reference last. Nearest neighbour is a row of whole-pixel memcpys: the
// reference only.
#include "kernels/resize.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::ResizeBilinearF32Fn, f32_resize_bilinear, AVX2, NEON)
LOWBIT_KERNEL_FAMILY(ref::ResizeBilinearU8Fn, qu8_resize_bilinear, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(ref::ResizeBilinearS8Fn, qs8_resize_bilinear, AVX2, NEON, ARMV7NEON)
LOWBIT_REFERENCE_FAMILY(ref::ResizeNearestFn, copy_resize_nearest)

}  // namespace lowbit
