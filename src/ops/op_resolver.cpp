// MutableOpResolver: names no operator itself, so only those a program adds
// are linked.
#include "lowbit/op_resolver.h"

#include "graph/op_registration.h"

namespace lowbit {

MutableOpResolver& MutableOpResolver::add(const OpRegistration& op) {
  const int i = static_cast<int>(op.type);
  if (i >= 0 && i < kNumOpTypes) by_type_[i] = &op;
  return *this;
}

const OpRegistration* MutableOpResolver::find(OpType type) const {
  const int i = static_cast<int>(type);
  return (i >= 0 && i < kNumOpTypes) ? by_type_[i] : nullptr;
}

}  // namespace lowbit
