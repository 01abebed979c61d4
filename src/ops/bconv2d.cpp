#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kBConv2DOp = {OpType::kBConv2D, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
