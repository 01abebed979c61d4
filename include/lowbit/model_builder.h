// Builds .lbm models in code: used by tests, examples and the converter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lowbit/graph.h"
#include "lowbit/status.h"

namespace lowbit {

class ModelBuilder {
 public:
  ModelBuilder();
  ~ModelBuilder();

  void set_description(std::string description);

  // An intermediate or graph-input/output tensor. Returns its index.
  int add_tensor(std::string name, DType dtype, Shape shape, Quantization quant = {});
  // A recurrent-state tensor (TensorDesc::is_variable).
  int add_variable(std::string name, DType dtype, Shape shape, Quantization quant = {});
  // A constant tensor; the builder copies `bytes`, which must be exactly the
  // tensor's storage size (bit tensors: packed 32-bit words).
  int add_constant(std::string name, DType dtype, Shape shape, const void* data, size_t bytes,
                   Quantization quant = {});
  template <typename T>
  int add_constant(std::string name, DType dtype, Shape shape, const std::vector<T>& values,
                   Quantization quant = {}) {
    return add_constant(std::move(name), dtype, shape, values.data(), values.size() * sizeof(T),
                        std::move(quant));
  }

  // Returns the operator's index.
  int add_operator(OpType type, std::vector<int> inputs, std::vector<int> outputs,
                   OpOptions options = {}, std::string name = {});

  void set_inputs(std::vector<int> inputs);
  void set_outputs(std::vector<int> outputs);

  // The graph as built so far (constants point into the builder's storage).
  const GraphDesc& graph() const;

  // Serializes to the .lbm format. Checks only what serialization needs;
  // loading the bytes back runs the full verification.
  Result<std::vector<uint8_t>> finish() const;
  Status save(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lowbit
