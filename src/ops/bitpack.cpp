#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kBitpackOp = {OpType::kBitpack, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
