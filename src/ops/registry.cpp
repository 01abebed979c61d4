#include "ops/op_kernel.h"

namespace lowbit {

const OpRegistration* find_op_registration(OpType type) {
  static const OpRegistration* const kTable[kNumOpTypes] = {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) &k##Name##Op,
#include "lowbit/ops.def"
  };
  const int i = static_cast<int>(type);
  if (i < 0 || i >= kNumOpTypes) return nullptr;
  return kTable[i];
}

}  // namespace lowbit
