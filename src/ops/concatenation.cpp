#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kConcatenationOp = {OpType::kConcatenation, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
