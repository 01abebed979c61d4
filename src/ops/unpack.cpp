#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kUnpackOp = {OpType::kUnpack, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
