#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kFullyConnectedOp = {OpType::kFullyConnected, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
