#include "datamove_harness.h"

#include <string>

namespace lowbit {
namespace testing {
namespace {

void build(ModelBuilder& b, OpType type, const std::vector<Tensor>& inputs,
           const std::vector<Tensor>& outputs, OpOptions options) {
  std::vector<int> op_inputs, graph_inputs, op_outputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i];
    const std::string name = "in" + std::to_string(i);
    const int index = t.constant ? b.add_constant(name, t.dtype, t.shape, t.data.data(),
                                                  t.data.size(), quant_of(t.dtype))
                                 : b.add_tensor(name, t.dtype, t.shape, quant_of(t.dtype));
    if (!t.constant) graph_inputs.push_back(index);
    op_inputs.push_back(index);
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    op_outputs.push_back(b.add_tensor("out" + std::to_string(i), outputs[i].dtype,
                                      outputs[i].shape, quant_of(outputs[i].dtype)));
  }
  b.add_operator(type, op_inputs, op_outputs, std::move(options), "op");
  b.set_inputs(graph_inputs);
  b.set_outputs(op_outputs);
}

}  // namespace

RunResult run_op(OpType type, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
                 OpOptions options, int threads) {
  ModelBuilder b;
  build(b, type, inputs, outputs, std::move(options));
  std::vector<Bytes> data;
  for (const Tensor& t : inputs) {
    if (!t.constant) data.push_back(t.data);
  }
  InterpreterOptions opts;
  opts.num_threads = threads;
  return run_model(b, data, opts);
}

Status load_status(OpType type, const std::vector<Tensor>& inputs,
                   const std::vector<Tensor>& outputs, OpOptions options) {
  ModelBuilder b;
  build(b, type, inputs, outputs, std::move(options));
  Result<std::vector<uint8_t>> bytes = b.finish();
  if (!bytes.ok()) return bytes.status();
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(bytes->data(), bytes->size());
  return model.status();
}

size_t element_size_of(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
    case DType::kInt32: return 4;
    case DType::kInt64: return 8;
    default: return 1;
  }
}

bool next_index(std::vector<int64_t>* index, const Shape& shape) {
  for (int d = shape.rank - 1; d >= 0; --d) {
    if (++(*index)[d] < shape[d]) return true;
    (*index)[d] = 0;
  }
  return false;
}

Bytes random_values(std::mt19937& rng, DType dtype, const Shape& shape) {
  const size_t n = static_cast<size_t>(shape.num_elements());
  if (dtype == DType::kBool) return random_ints<uint8_t>(rng, n, 0, 1);
  return random_ints<uint8_t>(rng, n * element_size_of(dtype), 0, 255);
}

}  // namespace testing
}  // namespace lowbit
