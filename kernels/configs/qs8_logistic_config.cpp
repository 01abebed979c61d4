// The int8 LOGISTIC variants (kernels/qs8_logistic.h), per form (fixed point;
// table): the reference only so far.
#include "kernels/qs8_logistic.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::Qs8LogisticFn, qs8_logistic)
LOWBIT_REFERENCE_FAMILY(ref::Qs8TableFn, qs8_logistic_table)

}  // namespace lowbit
