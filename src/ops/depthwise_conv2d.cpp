#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kDepthwiseConv2DOp = {OpType::kDepthwiseConv2D, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
