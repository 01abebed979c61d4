// The resolver with every operator of lowbit/ops.def. Kept apart from
// MutableOpResolver (op_resolver.cpp) because referring to this file links
// every operator.
#include "ops/op_kernel.h"

namespace lowbit {
namespace {

const OpRegistration* const kByType[kNumOpTypes] = {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) &k##Name##Op,
#include "lowbit/ops.def"
};

class AllOpsResolver final : public OpResolver {
 public:
  const OpRegistration* find(OpType type) const override {
    const int i = static_cast<int>(type);
    return (i >= 0 && i < kNumOpTypes) ? kByType[i] : nullptr;
  }
};

constexpr AllOpsResolver kAllOps;

}  // namespace

const OpResolver& default_op_resolver() { return kAllOps; }

}  // namespace lowbit
