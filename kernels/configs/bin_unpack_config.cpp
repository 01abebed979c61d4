// The unpacking variants (kernels/bin_pack.h) this build has: the reference
// only so far.
#include "kernels/bin_pack.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::BinUnpackF32Fn, bin_unpack_f32)
LOWBIT_REFERENCE_FAMILY(ref::BinUnpackQs8Fn, bin_unpack_qs8)

}  // namespace lowbit
