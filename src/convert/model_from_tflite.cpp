// Model::from_tflite and Model::load: TFLite files converted in memory. Part
// of the hosted lowbit library, beside the converter (the firmware, lowbit
// micro, reads only .lbm).
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "convert/tflite_importer.h"
#include "convert/tflite_schema.h"
#include "format/lbm_format.h"
#include "lowbit/model.h"
#include "runtime/api_guard.h"

namespace lowbit {
namespace {

using ModelResult = Result<std::shared_ptr<const Model>>;

bool has_identifier(const void* data, size_t size, const char* identifier) {
  return data != nullptr && size >= 8 &&
         std::memcmp(static_cast<const uint8_t*>(data) + 4, identifier, 4) == 0;
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// The converted .lbm bytes and the model using them in place; the model is
// declared last so it goes first.
struct ConvertedModel {
  std::unique_ptr<uint8_t, FreeDeleter> lbm;
  std::shared_ptr<const Model> model;
};

ModelResult load_converted(const std::vector<uint8_t>& lbm, const LoadOptions& options) {
  auto owner = std::make_shared<ConvertedModel>();
  const size_t rounded = (lbm.size() + kLbmAlignment - 1) / kLbmAlignment * kLbmAlignment;
  owner->lbm.reset(static_cast<uint8_t*>(std::aligned_alloc(kLbmAlignment, rounded)));
  if (owner->lbm == nullptr) {
    return Status(StatusCode::kResourceExhausted,
                  "cannot allocate " + std::to_string(lbm.size()) + " bytes for the converted model");
  }
  std::memcpy(owner->lbm.get(), lbm.data(), lbm.size());
  // 64-byte aligned, so from_buffer uses the bytes in place, as from a mapped file.
  ModelResult loaded = Model::from_buffer(owner->lbm.get(), lbm.size(), options);
  if (!loaded.ok()) return loaded.status();
  owner->model = loaded.value();
  // Shares ownership of `owner`, points at its model.
  return std::shared_ptr<const Model>(owner, owner->model.get());
}

}  // namespace

ModelResult Model::from_tflite(const void* data, size_t size, const LoadOptions& options) {
  return guard_api("Model::from_tflite", [&]() -> ModelResult {
    if (data == nullptr) return Status(StatusCode::kInvalidArgument, "model data is null");
    if (size > options.max_model_bytes) {
      return Status(StatusCode::kResourceExhausted,
                    "model has " + std::to_string(size) + " bytes, more than max_model_bytes (" +
                        std::to_string(options.max_model_bytes) + ")");
    }
    if (has_identifier(data, size, kLbmFileIdentifier)) {
      return Status(StatusCode::kInvalidArgument,
                    "this is a lowbit .lbm model, not TFLite: load it with from_buffer/from_file");
    }
    ModelBuilder builder;
    // import_tflite checks the "TFL3" identifier and verifies the whole file.
    const Status imported =
        import_tflite(static_cast<const uint8_t*>(data), size, &builder, nullptr);
    if (!imported.ok()) return imported;
    Result<std::vector<uint8_t>> lbm = builder.finish();
    if (!lbm.ok()) {
      return Status(lbm.status().code(), "converted TFLite model: " + lbm.status().message());
    }
    return load_converted(lbm.value(), options);
  });
}

ModelResult Model::from_tflite(const std::string& path, const LoadOptions& options) {
  return guard_api("Model::from_tflite", [&]() -> ModelResult {
    Result<std::vector<uint8_t>> bytes = read_tflite_file(path, options.max_model_bytes);
    if (!bytes.ok()) return bytes.status();
    ModelResult model = from_tflite(bytes->data(), bytes->size(), options);
    if (!model.ok()) return Status(model.status().code(), path + ": " + model.status().message());
    return model;
  });
}

ModelResult Model::load(const void* data, size_t size, const LoadOptions& options) {
  if (has_identifier(data, size, tfl::kFileIdentifier)) return from_tflite(data, size, options);
  return from_buffer(data, size, options);
}

ModelResult Model::load(const std::string& path, const LoadOptions& options) {
  return guard_api("Model::load", [&]() -> ModelResult {
    char header[8] = {};
    std::ifstream in(path, std::ios::binary);
    const bool tflite =
        in.read(header, sizeof(header)) && has_identifier(header, 8, tfl::kFileIdentifier);
    in.close();
    // from_file reports a missing, unreadable or short file itself.
    return tflite ? from_tflite(path, options) : from_file(path, options);
  });
}

}  // namespace lowbit
