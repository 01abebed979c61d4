#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kHardSwishOp = {OpType::kHardSwish, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
