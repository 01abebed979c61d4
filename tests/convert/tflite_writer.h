// Writes small TFLite FlatBuffers by hand (field ids from NUMERICS.md
// section 6) so tests can craft models no converter would produce:
// unsupported operators, LCE custom ops, corrupt fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

namespace lowbit {
namespace testing {

// TFLite tensor types and builtin codes used by the tests.
enum : int8_t { kTflFloat32 = 0, kTflFloat16 = 1, kTflInt32 = 2, kTflUInt8 = 3, kTflInt64 = 4,
                kTflString = 5, kTflInt16 = 7, kTflInt8 = 9 };

// One field of a builtin options table.
struct OptionField {
  enum Kind { kByte, kInt, kFloat, kIntVector } kind;
  int id;
  double value = 0;
  std::vector<int32_t> ints = {};
};
struct BuiltinOptions {
  uint8_t tag = 0;  // 0 = none
  std::vector<OptionField> fields;
};

class TfliteWriter {
 public:
  TfliteWriter();

  // Returns the buffer index (0 is TFLite's reserved empty buffer).
  int add_buffer(const void* data, size_t bytes);
  int add_tensor(const std::string& name, int8_t type, std::vector<int32_t> shape,
                 std::vector<float> scales = {}, std::vector<int64_t> zero_points = {},
                 int quantized_dimension = 0, int buffer = 0);
  // A float variable (recurrent state) tensor, no buffer.
  int add_variable(const std::string& name, int8_t type, std::vector<int32_t> shape);
  template <typename T>
  int add_constant(const std::string& name, int8_t type, std::vector<int32_t> shape,
                   const std::vector<T>& values, std::vector<float> scales = {},
                   std::vector<int64_t> zero_points = {}, int quantized_dimension = 0) {
    const int buffer = add_buffer(values.data(), values.size() * sizeof(T));
    return add_tensor(name, type, std::move(shape), std::move(scales), std::move(zero_points),
                      quantized_dimension, buffer);
  }
  // Returns the opcode index, reusing an existing entry.
  int builtin_code(int32_t code);
  int custom_code(const std::string& name);
  void add_operator(int opcode_index, std::vector<int32_t> inputs, std::vector<int32_t> outputs,
                    const BuiltinOptions& options = {}, std::vector<uint8_t> custom_options = {});
  void set_inputs(std::vector<int32_t> inputs) { inputs_ = std::move(inputs); }
  void set_outputs(std::vector<int32_t> outputs) { outputs_ = std::move(outputs); }

  std::vector<uint8_t> finish(uint32_t version = 3, int num_subgraphs = 1);

 private:
  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<flatbuffers::Offset<void>> buffers_, tensors_, operators_, codes_;
  std::vector<std::pair<int32_t, std::string>> code_keys_;
  std::vector<int32_t> inputs_, outputs_;
};

}  // namespace testing
}  // namespace lowbit
