// The data movement variants (kernels/copy.h): the reference only so far.
#include "kernels/copy.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::PadFn, copy_pad)
LOWBIT_REFERENCE_FAMILY(ref::CopyFn, copy_bytes)
LOWBIT_REFERENCE_FAMILY(ref::ConcatFn, copy_concat)

}  // namespace lowbit
