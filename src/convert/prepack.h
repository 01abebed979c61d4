// The converter's prepack pass: stores in a model what prepare() derives
// from its operators' constants (packed weights with the folded bias,
// requantization parameters, lookup tables, checked facts) for one kernel
// selection and the default profile, so that a runtime selecting
// the same kernels uses the bytes in place instead of deriving them at load
// (docs/format.md, "Prepared data"; docs/tools.md, lowbit-convert --prepack).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lowbit/status.h"

namespace lowbit {

// "none", "auto" (the kernels this machine's CPU selects) or an ISA name of
// kernels/isa.h (the kernels a CPU with exactly that ISA selects).
struct PrepackOptions {
  std::string target = "none";
};

struct PrepackSummary {
  int operators = 0;  // operators given prepared data
  uint64_t bytes = 0;  // prepared bytes added (before 64-byte alignment)
};

// Whether `target` names a prepack target; the message lists the known ones.
Status check_prepack_target(const std::string& target);

// The .lbm `model` with the prepared data of every int8 or uint8 CONV_2D,
// DEPTHWISE_CONV_2D, FULLY_CONNECTED and LOGISTIC operator for
// options.target (replacing any it had); `model` itself when the target is
// "none".
// An operator whose prepare fails gets none (the runtime will name the
// failure when it prepares the model).
Result<std::vector<uint8_t>> prepack_model(const std::vector<uint8_t>& model,
                                           const PrepackOptions& options,
                                           PrepackSummary* summary);

}  // namespace lowbit
