#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kAddOp = {OpType::kAdd, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
