#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kConv2DOp = {OpType::kConv2D, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
