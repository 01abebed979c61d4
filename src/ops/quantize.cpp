#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kQuantizeOp = {OpType::kQuantize, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
