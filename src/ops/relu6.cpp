#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kRelu6Op = {OpType::kRelu6, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
