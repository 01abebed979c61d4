// Placeholder; the real interpreter follows.
#include "lowbit/interpreter.h"

namespace lowbit {
struct Interpreter::Impl {
  std::shared_ptr<const Model> model;
  InterpreterOptions options;
  std::vector<OperatorProfile> profile;
};
Interpreter::Interpreter(std::shared_ptr<const Model> model, InterpreterOptions options)
    : impl_(new Impl{std::move(model), std::move(options), {}}) {}
Interpreter::~Interpreter() = default;
Status Interpreter::prepare() { return Status(StatusCode::kUnsupported, "not yet"); }
Status Interpreter::invoke() { return Status(StatusCode::kUnsupported, "not yet"); }
size_t Interpreter::num_inputs() const { return 0; }
size_t Interpreter::num_outputs() const { return 0; }
TensorView Interpreter::input(size_t) const { return {}; }
TensorView Interpreter::output(size_t) const { return {}; }
TensorView Interpreter::input(const std::string&) const { return {}; }
TensorView Interpreter::output(const std::string&) const { return {}; }
TensorView Interpreter::tensor(int) const { return {}; }
const Model& Interpreter::model() const { return *impl_->model; }
const InterpreterOptions& Interpreter::options() const { return impl_->options; }
size_t Interpreter::arena_bytes() const { return 0; }
size_t Interpreter::packed_weight_bytes() const { return 0; }
const char* Interpreter::kernel_name(int) const { return ""; }
uint64_t Interpreter::operator_macs(int) const { return 0; }
void Interpreter::set_profiling(bool) {}
const std::vector<OperatorProfile>& Interpreter::last_profile() const { return impl_->profile; }
const char* requant_profile_name(RequantProfile p) {
  switch (p) {
    case RequantProfile::kTfliteReference: return "tflite_reference";
    case RequantProfile::kSingleRounding: return "single_rounding";
    case RequantProfile::kXnnpackFp32: return "xnnpack_fp32";
  }
  return "unknown";
}
bool parse_requant_profile(const std::string& name, RequantProfile* p) {
  for (RequantProfile c : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                           RequantProfile::kXnnpackFp32}) {
    if (name == requant_profile_name(c)) {
      *p = c;
      return true;
    }
  }
  return false;
}
}  // namespace lowbit
