// REDUCE_MAX: SUM's validation and kernel choice (sum.cpp), which read op.type.
#include "ops/reduce_util.h"

namespace lowbit {

LOWBIT_REGISTER_OP(ReduceMax, validate_sum_max_min, create_sum_max_min)

}  // namespace lowbit
