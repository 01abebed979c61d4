// Single-operator graphs with any number of inputs and outputs for the data
// movement tests, and an index simulation written from the operators' specs.
#pragma once

#include <cstdint>
#include <vector>

#include "lowbit/lowbit.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {

struct Tensor {
  DType dtype = DType::kFloat32;
  Shape shape;
  Bytes data;             // inputs: the values; outputs: ignored
  bool constant = false;  // inputs only
};

inline Quantization quant_of(DType dtype) {
  return dtype == DType::kInt8 || dtype == DType::kUInt8 ? per_tensor(0.25f, dtype == DType::kUInt8 ? 128 : -3)
                                                         : Quantization{};
}

// Builds and runs the operator; outputs in RunResult::outputs.
RunResult run_op(OpType type, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
                 OpOptions options, int threads = 1);

// Status of loading the operator (validation) with zero-filled inputs.
Status load_status(OpType type, const std::vector<Tensor>& inputs,
                   const std::vector<Tensor>& outputs, OpOptions options);

size_t element_size_of(DType dtype);

// Steps `index` to the next element of `shape` in row-major order; false
// after the last one (the index is back at all zeros).
bool next_index(std::vector<int64_t>* index, const Shape& shape);

template <typename T>
Tensor tensor_of(DType dtype, Shape shape, const std::vector<T>& values) {
  return Tensor{dtype, shape, to_bytes(values), false};
}

// Random bytes valid for the dtype (bool: 0 or 1).
Bytes random_values(std::mt19937& rng, DType dtype, const Shape& shape);

}  // namespace testing
}  // namespace lowbit
