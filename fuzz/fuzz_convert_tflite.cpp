// libFuzzer target: the bytes are a .tflite file (TFLite builtins and Larq
// Compute Engine custom operators). Convert; when conversion succeeds, load
// the result, which must either load or be refused with a message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "convert/tflite_importer.h"
#include "lowbit/lowbit.h"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_convert_tflite: broken promise: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lowbit::ModelBuilder builder;
  lowbit::ConversionSummary summary;
  const lowbit::Status converted = lowbit::import_tflite(data, size, &builder, &summary);
  if (!converted.ok()) {
    require(!converted.message().empty(), "a refused conversion has a message");
    return 0;
  }
  (void)summary.to_text();
  auto bytes = builder.finish();
  if (!bytes.ok()) {
    require(!bytes.status().message().empty(), "a refused serialization has a message");
    return 0;
  }
  lowbit::LoadOptions load;
  load.max_tensor_bytes = size_t(16) << 20;
  auto model = lowbit::Model::from_buffer(bytes->data(), bytes->size(), load);
  require(model.ok() || !model.status().message().empty(), "a refused model has a message");
  return 0;
}
