// Placeholder until the writer lands.
#include "lowbit/model_builder.h"

namespace lowbit {

struct ModelBuilder::Impl {
  GraphDesc graph;
};

ModelBuilder::ModelBuilder() : impl_(new Impl) {}
ModelBuilder::~ModelBuilder() = default;
void ModelBuilder::set_description(std::string d) { impl_->graph.description = std::move(d); }
int ModelBuilder::add_tensor(std::string, DType, Shape, Quantization) { return -1; }
int ModelBuilder::add_constant(std::string, DType, Shape, const void*, size_t, Quantization) {
  return -1;
}
int ModelBuilder::add_operator(OpType, std::vector<int>, std::vector<int>, OpOptions, std::string) {
  return -1;
}
void ModelBuilder::set_inputs(std::vector<int>) {}
void ModelBuilder::set_outputs(std::vector<int>) {}
const GraphDesc& ModelBuilder::graph() const { return impl_->graph; }
Result<std::vector<uint8_t>> ModelBuilder::finish() const {
  return Status(StatusCode::kUnsupported, "writer not implemented yet");
}
Status ModelBuilder::save(const std::string&) const { return finish().status(); }

}  // namespace lowbit
