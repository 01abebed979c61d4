#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kLogisticOp = {OpType::kLogistic, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
