#include "lowbit/model_builder.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "format/lbm_format.h"
#include "graph/validate.h"
#include "runtime/api_guard.h"

namespace lowbit {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

struct ModelBuilder::Impl {
  GraphDesc graph;
  // Constant copies, 64-byte aligned like constants of a loaded model, so
  // kernels may be tried directly on graph().
  std::vector<std::unique_ptr<void, FreeDeleter>> constants;
};

ModelBuilder::ModelBuilder() : impl_(new Impl) {}
ModelBuilder::~ModelBuilder() = default;

void ModelBuilder::set_description(std::string description) {
  impl_->graph.description = std::move(description);
}

int ModelBuilder::add_tensor(std::string name, DType dtype, Shape shape, Quantization quant) {
  TensorDesc t;
  t.name = std::move(name);
  t.dtype = dtype;
  t.shape = shape;
  t.quant = std::move(quant);
  impl_->graph.tensors.push_back(std::move(t));
  return static_cast<int>(impl_->graph.tensors.size() - 1);
}

int ModelBuilder::add_variable(std::string name, DType dtype, Shape shape, Quantization quant) {
  const int index = add_tensor(std::move(name), dtype, shape, std::move(quant));
  impl_->graph.tensors[index].is_variable = true;
  return index;
}

int ModelBuilder::add_constant(std::string name, DType dtype, Shape shape, const void* data,
                               size_t bytes, Quantization quant) {
  const int index = add_tensor(std::move(name), dtype, shape, std::move(quant));
  // A mismatching size is kept as given: loading reports it, naming the tensor.
  const size_t rounded = (bytes + kLbmAlignment - 1) / kLbmAlignment * kLbmAlignment;
  void* copy = std::aligned_alloc(kLbmAlignment, rounded == 0 ? kLbmAlignment : rounded);
  if (copy == nullptr) return index;  // left non-constant; finish() still works
  if (bytes != 0 && data != nullptr) std::memcpy(copy, data, bytes);
  impl_->constants.emplace_back(copy);
  TensorDesc& t = impl_->graph.tensors[index];
  t.data = copy;
  t.data_bytes = bytes;
  return index;
}

int ModelBuilder::add_operator(OpType type, std::vector<int> inputs, std::vector<int> outputs,
                               OpOptions options, std::string name) {
  OperatorDesc op;
  op.type = type;
  op.inputs = std::move(inputs);
  op.outputs = std::move(outputs);
  // No options given means the defaults of this operator's kind.
  op.options = std::holds_alternative<std::monostate>(options) ? default_options(type)
                                                               : std::move(options);
  op.name = std::move(name);
  impl_->graph.operators.push_back(std::move(op));
  return static_cast<int>(impl_->graph.operators.size() - 1);
}

void ModelBuilder::set_inputs(std::vector<int> inputs) { impl_->graph.inputs = std::move(inputs); }
void ModelBuilder::set_outputs(std::vector<int> outputs) {
  impl_->graph.outputs = std::move(outputs);
}

const GraphDesc& ModelBuilder::graph() const { return impl_->graph; }

Result<std::vector<uint8_t>> ModelBuilder::finish() const {
  return guard_api("ModelBuilder::finish",
                   [&]() -> Result<std::vector<uint8_t>> { return serialize_graph(impl_->graph); });
}

Status ModelBuilder::save(const std::string& path) const {
  Result<std::vector<uint8_t>> bytes = finish();
  if (!bytes.ok()) return bytes.status();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Status(StatusCode::kIoError, "cannot create " + path + ": " + std::strerror(errno));
  }
  const std::vector<uint8_t>& data = bytes.value();
  const bool written = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) return Status(StatusCode::kIoError, "cannot write " + path);
  return Status::Ok();
}

}  // namespace lowbit
