// Helpers for the converter tests: read files, convert TFLite bytes, load the
// result through the full .lbm verification and prepare an interpreter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "convert/tflite_importer.h"
#include "lowbit/lowbit.h"

namespace lowbit {
namespace testing {

std::vector<uint8_t> read_binary_file(const std::string& path);

// The shared models folder; FAILs the running test (not skips) when it is missing.
std::string require_models_dir();

struct Converted {
  Status status;  // first failure: convert, serialize, load, prepare
  std::string stage;  // where it failed
  ConversionSummary summary;
  std::vector<uint8_t> lbm;
  std::shared_ptr<const Model> model;
  std::unique_ptr<Interpreter> interpreter;
};

// The lowbit graph the importer makes of TFLite bytes (no serialization).
Result<GraphDesc> import_graph(const std::vector<uint8_t>& tflite);

// Converts and serializes only.
Converted convert_only(const std::vector<uint8_t>& tflite);
// Converts, loads and prepares.
Converted convert_and_prepare(const std::vector<uint8_t>& tflite,
                              const InterpreterOptions& options = {});

// Copies raw bytes into graph input i (sizes must match).
bool fill_input(Interpreter& interp, size_t i, const std::vector<uint8_t>& bytes);

template <typename T>
std::vector<T> output_values(const Interpreter& interp, size_t i) {
  const TensorView out = interp.output(i);
  const T* p = static_cast<const T*>(out.data);
  return std::vector<T>(p, p + out.bytes / sizeof(T));
}

// scale * (q - zero_point) with the tensor's per-tensor quantization.
std::vector<float> dequantized_output(const Interpreter& interp, size_t i);

}  // namespace testing
}  // namespace lowbit
