#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kReluOp = {OpType::kRelu, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
