// The int8 HARD_SWISH variants (kernels/qs8_hardswish.h): the reference only
// so far.
#include "kernels/qs8_hardswish.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::Qs8HardSwishFn, qs8_hardswish)

}  // namespace lowbit
