#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kDequantizeOp = {OpType::kDequantize, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
