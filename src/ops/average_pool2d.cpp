#include "ops/unimplemented.h"

namespace lowbit {

const OpRegistration kAveragePool2DOp = {OpType::kAveragePool2D, validate_unimplemented, create_unimplemented};

}  // namespace lowbit
