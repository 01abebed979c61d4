// One small valid .lbm graph per operator of include/lowbit/ops.def, with
// option and dtype variants, for fuzz_load_lbm's corpus (lowbit-fuzz-op-seeds
// writes them; tests/fuzz_seeds checks that every one loads and runs, and that
// every operator has one). Split by operator group:
//   op_seeds_layers.cpp      convolutions, pools, TRANSPOSE_CONV, LSTM, binary ops
//   op_seeds_activation.cpp  elementwise, activations, reductions, quantization
//   op_seeds_datamove.cpp    data movement, resampling, detection, math (ops 23-53)
//   op_seeds_recurrent.cpp   SVDF and UNIDIRECTIONAL_SEQUENCE_RNN
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lowbit/lowbit.h"
#include "lowbit/model_builder.h"

namespace lowbit::fuzz_seeds {

struct OpSeed {
  const char* name;
  std::function<void(ModelBuilder&)> build;
};

using Operand = std::pair<DType, Shape>;

std::vector<OpSeed> layer_seeds();
std::vector<OpSeed> activation_seeds();
std::vector<OpSeed> datamove_seeds();
std::vector<OpSeed> recurrent_seeds();
// Every group's seeds, in one list.
std::vector<OpSeed> all_seeds();

// The seed's .lbm bytes (described as "fuzz seed: <name>").
Result<std::vector<uint8_t>> seed_bytes(const OpSeed& seed);

// Loads, prepares and invokes .lbm bytes with every input byte 1 (no zero
// divisor, no log of zero): the empty string, or why not.
std::string run_seed(const std::vector<uint8_t>& bytes);

bool quantized(DType dtype);

// int8/uint8 tensors get one scale and zero point shared by every tensor of a
// seed, so data movement keeps them and elementwise operators accept them.
Quantization shared_quantization(DType dtype);

int tensor(ModelBuilder& b, const std::string& name, DType dtype, Shape shape);

// One operator from graph inputs `in` to graph outputs `out`.
template <typename Options>
void single(ModelBuilder& b, OpType type, const std::vector<Operand>& in,
            const std::vector<Operand>& out, Options options) {
  std::vector<int> inputs, outputs;
  for (size_t i = 0; i < in.size(); ++i) {
    inputs.push_back(tensor(b, "in" + std::to_string(i), in[i].first, in[i].second));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    outputs.push_back(tensor(b, "out" + std::to_string(i), out[i].first, out[i].second));
  }
  b.add_operator(type, inputs, outputs, options);
  b.set_inputs(inputs);
  b.set_outputs(outputs);
}

void unary(ModelBuilder& b, OpType type, DType dtype, Shape shape);

// Fixed values spread over [low, high] (a stride walk: seeds stay the same
// from build to build without a random generator).
template <typename T>
std::vector<T> spread(size_t count, int64_t low, int64_t high) {
  std::vector<T> values(count);
  const int64_t span = high - low + 1;
  for (size_t i = 0; i < count; ++i) values[i] = static_cast<T>(low + int64_t(i * 37 + 11) % span);
  return values;
}

inline Quantization per_tensor(float scale, int32_t zero_point) { return {{scale}, {zero_point}, 0}; }

}  // namespace lowbit::fuzz_seeds
