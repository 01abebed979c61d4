#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kPadOp = {OpType::kPad, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
