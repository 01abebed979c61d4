#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kReshapeOp = {OpType::kReshape, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
