// Which operator implementations a model may use. Loading looks every
// operator of the graph up in a resolver (LoadOptions::op_resolver) and keeps
// what it found, so the resolver is needed only while loading. A program links
// only the implementations it names: firmware fills a MutableOpResolver with
// its model's operators and never refers to default_op_resolver(), which
// names them all.
#pragma once

#include "lowbit/graph.h"

namespace lowbit {

// One operator's implementation (src/graph/op_registration.h); opaque here.
struct OpRegistration;

// k<Name>Op for each line of lowbit/ops.def (kConv2DOp, kAddOp, ...), each
// defined in its operator's own source file.
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) extern const OpRegistration k##Name##Op;
#include "lowbit/ops.def"

class OpResolver {
 public:
  // The implementation of `type`, or nullptr when this resolver lacks it.
  virtual const OpRegistration* find(OpType type) const = 0;

 protected:
  // Resolvers are never deleted through this interface; a trivial destructor
  // lets static resolvers be initialised at compile time (no constructor runs
  // before main, nothing registered to run at exit).
  ~OpResolver() = default;
};

// Every operator of this build; what loading uses when no resolver is given
// (a static program that never calls it links only its resolver's operators).
const OpResolver& default_op_resolver();

// Only the operators added to it. One slot per operator type, so it never
// allocates and can be a static object:
//   static lowbit::MutableOpResolver ops;
//   ops.add(lowbit::kConv2DOp).add(lowbit::kSoftmaxOp);
class MutableOpResolver final : public OpResolver {
 public:
  constexpr MutableOpResolver() = default;
  // Adding an operator again replaces it with itself: harmless.
  MutableOpResolver& add(const OpRegistration& op);
  const OpRegistration* find(OpType type) const override;

 private:
  const OpRegistration* by_type_[kNumOpTypes] = {};
};

}  // namespace lowbit
