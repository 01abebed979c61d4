// libFuzzer target: the bytes are a .lbm file for lowbit micro, the firmware
// runtime. Size the arena, create the runtime in exactly that many bytes (a
// heap block of its own, so ASan sees any write past it), fill the inputs
// from the same bytes and invoke. A crash, a sanitizer report, an error
// without a message, or create refusing the arena lowbit_micro_arena_size
// asked for is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "lowbit/micro.h"

namespace {

// Keeps one input cheap: bigger arenas are refused unrun (not a finding).
constexpr size_t kMaxArenaBytes = size_t(4) << 20;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_micro_lbm: broken promise: %s\n", what);
    std::abort();
  }
}

lowbit_micro_resolver all_ops() {
  lowbit_micro_resolver r;
  lowbit_micro_resolver_init(&r);
  lowbit_micro_resolver_add_all(&r);
  return r;
}

void require_error(lowbit_status status, const lowbit_micro_error& error) {
  require(error.status == status, "error.status equals the returned status");
  require(std::memchr(error.message, 0, sizeof error.message) != nullptr, "message NUL-terminated");
  require(status == LOWBIT_OK || error.message[0] != '\0', "a failure has a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const lowbit_micro_resolver ops = all_ops();
  // The model in a block of exactly its size, 16-byte aligned as create asks.
  std::unique_ptr<uint8_t[]> model(new uint8_t[size > 0 ? size : 1]);
  if (size > 0) std::memcpy(model.get(), data, size);
  lowbit_micro_error error;
  size_t arena_bytes = 0;
  lowbit_status status = lowbit_micro_arena_size(model.get(), size, &ops, nullptr, &arena_bytes, &error);
  require_error(status, error);
  if (status != LOWBIT_OK || arena_bytes > kMaxArenaBytes) return 0;
  std::unique_ptr<uint8_t[]> arena(new uint8_t[arena_bytes]);
  lowbit_micro* micro = nullptr;
  status = lowbit_micro_create(model.get(), size, &ops, nullptr, arena.get(), arena_bytes, &micro,
                               &error);
  require_error(status, error);
  require(status != LOWBIT_RESOURCE_EXHAUSTED, "create fits in lowbit_micro_arena_size's answer");
  if (status != LOWBIT_OK) return 0;
  size_t next = 0;
  for (size_t i = 0; i < lowbit_micro_num_inputs(micro); ++i) {
    lowbit_micro_tensor t;
    require(lowbit_micro_input(micro, i, &t) == LOWBIT_OK, "inputs are readable");
    for (size_t b = 0; b < t.bytes; ++b) static_cast<uint8_t*>(t.data)[b] = size ? data[next++ % size] : 0;
  }
  require(lowbit_micro_invoke(micro) == LOWBIT_OK, "invoke succeeds after create did");
  return 0;
}
