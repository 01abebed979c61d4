// libFuzzer target: the bytes are a .lbm file. Load (verify + validate),
// prepare, fill the inputs from the same bytes, invoke. Any crash, sanitizer
// report, leak or broken promise below is a finding.
//
// Limits keep one input cheap, so that a slow input means a real hang rather
// than a legitimately large model: small tensor and arena limits (the runtime's
// own refusals are exercised that way), and no invoke() for graphs whose
// estimated work is above kMaxWork.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <variant>

#include "lowbit/lowbit.h"

namespace {

constexpr size_t kMaxTensorBytes = size_t(256) << 10;
constexpr size_t kMaxArenaBytes = size_t(4) << 20;
constexpr uint64_t kMaxWork = 20'000'000;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_load_lbm: broken promise: %s\n", what);
    std::abort();
  }
}

// MACs where the runtime reports them; pools cost their window per output;
// everything else its operand elements.
uint64_t estimated_work(const lowbit::Interpreter& interp) {
  const lowbit::GraphDesc& graph = interp.model().graph();
  uint64_t work = 0;
  for (size_t k = 0; k < graph.operators.size(); ++k) {
    const lowbit::OperatorDesc& op = graph.operators[k];
    uint64_t cost = interp.operator_macs(static_cast<int>(k));
    uint64_t elements = 0;
    for (int t : op.inputs) {
      if (t >= 0) elements += static_cast<uint64_t>(graph.tensors[t].shape.num_elements());
    }
    for (int t : op.outputs) {
      const uint64_t out = static_cast<uint64_t>(graph.tensors[t].shape.num_elements());
      elements += out;
      if (const auto* pool = std::get_if<lowbit::Pool2DOptions>(&op.options)) {
        cost += out * static_cast<uint64_t>(pool->filter_h) * static_cast<uint64_t>(pool->filter_w);
      }
    }
    work += cost + elements;
    if (work > kMaxWork) break;
  }
  return work;
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A 64-byte aligned copy of exactly `size` bytes: the model reads it in place,
  // so AddressSanitizer sees any read past the end of the file.
  void* aligned = nullptr;
  if (posix_memalign(&aligned, 64, size == 0 ? 1 : size) != 0) return 0;
  std::unique_ptr<void, FreeDeleter> file(aligned);
  if (size) std::memcpy(aligned, data, size);

  lowbit::LoadOptions load;
  load.max_model_bytes = size_t(1) << 20;
  load.max_tensor_bytes = kMaxTensorBytes;
  auto model = lowbit::Model::from_buffer(aligned, size, load);
  if (!model.ok()) {
    require(!model.status().message().empty(), "a refused model has a message");
    return 0;
  }

  lowbit::InterpreterOptions options;
  options.max_arena_bytes = kMaxArenaBytes;
  lowbit::Interpreter interp(model.value(), options);
  const lowbit::Status prepared = interp.prepare();
  if (!prepared.ok()) {
    require(!prepared.message().empty(), "a failed prepare has a message");
    return 0;
  }
  require(interp.arena_bytes() <= kMaxArenaBytes, "the arena respects max_arena_bytes");
  if (estimated_work(interp) > kMaxWork) return 0;

  for (size_t i = 0; i < interp.num_inputs(); ++i) {
    const lowbit::TensorView in = interp.input(i);
    auto* bytes = static_cast<uint8_t*>(in.data);
    for (size_t j = 0; j < in.bytes; ++j) bytes[j] = data[(j * 7 + i) % size];
  }
  const lowbit::Status invoked = interp.invoke();
  require(invoked.ok() || !invoked.message().empty(), "a failed invoke has a message");
  return 0;
}
