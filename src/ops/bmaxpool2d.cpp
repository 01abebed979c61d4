#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kBMaxPool2DOp = {OpType::kBMaxPool2D, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
