#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kMulOp = {OpType::kMul, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
