// Per-operator tables expanded from include/lowbit/ops.def, so none of them
// can drift from the list.
#include "graph/op_list.h"

namespace lowbit {
namespace {

// The schema's enum values index these tables.
constexpr bool values_are_positions() {
  int position = 0;
  bool in_order = true;
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) \
  in_order = in_order && (value) == position++;
#include "lowbit/ops.def"
  return in_order;
}
static_assert(values_are_positions(), "lowbit/ops.def: values must be 0, 1, 2, ... in order");

}  // namespace

const char* op_type_name(OpType type) {
  static const char* const kNames[kNumOpTypes] = {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) #SCHEMA_NAME,
#include "lowbit/ops.def"
  };
  const int i = static_cast<int>(type);
  return (i >= 0 && i < kNumOpTypes) ? kNames[i] : "UNKNOWN";
}

const char* op_enumerator_name(OpType type) {
  static const char* const kNames[kNumOpTypes] = {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) #Name,
#include "lowbit/ops.def"
  };
  const int i = static_cast<int>(type);
  return (i >= 0 && i < kNumOpTypes) ? kNames[i] : "Unknown";
}

OpOptions default_options(OpType type) {
  switch (type) {
#define LOWBIT_OP(Name, value, SCHEMA_NAME, OptionsKind) \
  case OpType::k##Name: return OptionsKind{};
#include "lowbit/ops.def"
  }
  return NoOptions{};
}

const char* options_kind_name(const OpOptions& options) {
  static const char* const kNames[] = {
      "no options",
#define LOWBIT_OPTIONS(Kind) #Kind,
#include "lowbit/ops.def"
  };
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == std::variant_size_v<OpOptions>,
                "one name per OpOptions alternative");
  return kNames[options.index()];
}

}  // namespace lowbit
