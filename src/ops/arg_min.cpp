// ARG_MIN: ARG_MAX's validation and kernel (arg_max.cpp) with std::less in
// place of std::greater, chosen by op.type.
#include "ops/arg_reduce.h"

namespace lowbit {

LOWBIT_REGISTER_OP(ArgMin, validate_arg_reduce, create_arg_reduce)

}  // namespace lowbit
