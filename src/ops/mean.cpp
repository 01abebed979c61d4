#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kMeanOp = {OpType::kMean, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
