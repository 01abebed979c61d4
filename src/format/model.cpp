// Placeholder until the reader lands.
#include "lowbit/model.h"

namespace lowbit {

struct Model::Impl {
  GraphDesc graph;
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

Result<std::shared_ptr<const Model>> Model::from_file(const std::string&, const LoadOptions&) {
  return Status(StatusCode::kUnsupported, "reader not implemented yet");
}
Result<std::shared_ptr<const Model>> Model::from_buffer(const void*, size_t, const LoadOptions&) {
  return Status(StatusCode::kUnsupported, "reader not implemented yet");
}
const GraphDesc& Model::graph() const { return impl_->graph; }
uint32_t Model::format_version() const { return 0; }
size_t Model::file_bytes() const { return 0; }
size_t Model::constant_bytes() const { return 0; }

}  // namespace lowbit
