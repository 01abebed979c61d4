#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kBFullyConnectedOp = {OpType::kBFullyConnected, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
