#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kMaxPool2DOp = {OpType::kMaxPool2D, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
