#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kSoftmaxOp = {OpType::kSoftmax, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
