// The firmware library has no resolver with every operator: referring to one
// would link them all. Loading without a resolver therefore finds no
// operator, and the error names what to add to a resolver
// (lowbit_model_create_from_buffer_with_resolver).
#include "lowbit/op_resolver.h"

namespace lowbit {
namespace {

constexpr MutableOpResolver kNoOperators;

}  // namespace

const OpResolver& default_op_resolver() { return kNoOperators; }

}  // namespace lowbit
