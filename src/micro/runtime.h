// The firmware runtime's state, all of it in the caller's arena: the model
// view, one data pointer per tensor (into the model for constants, into the
// planned region for activations), one record per operator.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/micro.h"
#include "lowbit/requant_profile.h"
#include "micro/lbm_view.h"
#include "micro/message.h"
#include "micro/planner.h"

namespace lowbit {
namespace micro {

constexpr uint32_t kMaxOpInputs = 8;
constexpr uint32_t kMaxOpOutputs = 4;

struct OpRecord {
  const lowbit_micro_op* op;
  const void* state;
  const char* kernel;
  uint32_t scratch_bytes;
  uint8_t* scratch;
};

// What PrepareContext works on (op.h), for one create or sizing pass.
struct PrepareState {
  bool sizing = false;
  RequantProfile profile = RequantProfile::kTfliteReference;
  uint8_t* floor = nullptr;  // persistent memory may not go below this
  uint8_t* tail = nullptr;   // persistent memory grows down from here
  size_t persistent_bytes = 0;
  Message* error = nullptr;
  int32_t op_index = -1;
  uint8_t op_type = 0;
  // The current operator's results.
  const void* state = nullptr;
  const char* kernel = "";
  size_t scratch_bytes = 0;
};

}  // namespace micro
}  // namespace lowbit

struct lowbit_micro {
  lowbit::micro::ModelView model;
  uint8_t** tensor_data;
  lowbit::micro::OpRecord* ops;
  lowbit_micro_memory memory;
  char message[LOWBIT_MICRO_MESSAGE_BYTES];
};
