// The firmware library leaves the TFLite converter out (its size, and its
// allocations while converting). Model::from_tflite, which the C API's
// lowbit_model_create_from_tflite_* call, refuses here with a message
// that says what to do instead; Model::load is not provided at all.
#include "lowbit/model.h"

namespace lowbit {
namespace {

Status no_converter() {
  return Status(StatusCode::kUnsupported,
                "the firmware library has no TFLite converter: convert the model with "
                "lowbit-convert and load the .lbm");
}

}  // namespace

Result<std::shared_ptr<const Model>> Model::from_tflite(const void*, size_t, const LoadOptions&) {
  return no_converter();
}

Result<std::shared_ptr<const Model>> Model::from_tflite(const std::string& path,
                                                        const LoadOptions&) {
  return Status(StatusCode::kUnsupported, path + ": " + no_converter().message());
}

}  // namespace lowbit
