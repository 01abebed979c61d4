// Facts about operator types, all expanded from include/lowbit/ops.def
// (op_type_name() itself is declared in lowbit/graph.h).
#pragma once

#include "lowbit/graph.h"

namespace lowbit {

// The OpType enumerator without its k: "Conv2D".
const char* op_enumerator_name(OpType type);

// The options an operator of this type carries when none are given:
// default-constructed options of its kind (NoOptions for operators that take
// none).
OpOptions default_options(OpType type);

// "Conv2DOptions", "no options", ... for messages.
const char* options_kind_name(const OpOptions& options);

}  // namespace lowbit
