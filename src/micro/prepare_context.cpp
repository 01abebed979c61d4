// PrepareContext (op.h): what an operator's prepare() reaches of the pass
// that runs it (PrepareState, runtime.h).
#include "micro/op.h"
#include "micro/runtime.h"
#include "platform/cpu_features/fixed_isa.h"

namespace lowbit {
namespace micro {

RequantProfile PrepareContext::profile() const {
  return requant_profile_for_op_type(state_.profile, op_.type);
}
uint32_t PrepareContext::cpu_features() const { return kFixedIsaFeatures; }
bool PrepareContext::sizing() const { return state_.sizing; }
void PrepareContext::request_scratch(size_t bytes) {
  // Saturates past kMaxArenaBytes (prepare_ops refuses that), never wraps.
  state_.scratch_bytes = bytes > kMaxArenaBytes - state_.scratch_bytes ? kMaxArenaBytes + 1
                                                                     : state_.scratch_bytes + bytes;
}
void PrepareContext::set_state(const void* state) { state_.state = state; }
void PrepareContext::set_kernel(const char* name) { state_.kernel = name; }

bool PrepareContext::allocate(size_t bytes, void** memory) {
  *memory = nullptr;
  // persistent_bytes stays a multiple of 16 at most kMaxArenaBytes - 16: no wrap.
  if (bytes > kMaxArenaBytes - kPlanAlignment - state_.persistent_bytes) {
    Message& m = *state_.error;
    m.clear();
    if (op_.index >= 0) m.append_all(op_type_name(op_.type), " (operator ", op_.index, "): ");
    m.append_all("persistent memory past ", kMaxArenaBytes, " bytes, the most lowbit micro plans");
    return false;
  }
  const size_t rounded = plan_round_up(bytes);
  state_.persistent_bytes += rounded;
  if (state_.sizing) return true;
  if (size_t(state_.tail - state_.floor) < rounded) {
    state_.error->clear();
    state_.error->append("the arena is too small");
    return false;
  }
  state_.tail -= rounded;
  *memory = state_.tail;
  return true;
}

Message& PrepareContext::begin_error(lowbit_status status) {
  (void)status;
  Message& m = *state_.error;
  m.clear();
  m.append_all(op_type_name(op_.type), " (operator ", op_.index, "): ");
  return m;
}

}  // namespace micro
}  // namespace lowbit
