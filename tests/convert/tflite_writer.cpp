#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

constexpr flatbuffers::voffset_t field(int id) {
  return static_cast<flatbuffers::voffset_t>(4 + 2 * id);
}
constexpr int32_t kCustomCode = 32;

}  // namespace

TfliteWriter::TfliteWriter() {
  fbb_.ForceDefaults(true);
  // Buffer 0: the empty buffer every non-constant tensor points at.
  const auto start = fbb_.StartTable();
  buffers_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
}

int TfliteWriter::add_buffer(const void* data, size_t bytes) {
  fbb_.ForceVectorAlignment(bytes, 1, 16);
  const auto vec = fbb_.CreateVector(static_cast<const uint8_t*>(data), bytes);
  const auto start = fbb_.StartTable();
  fbb_.AddOffset(field(0), vec);
  buffers_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
  return static_cast<int>(buffers_.size() - 1);
}

int TfliteWriter::add_tensor(const std::string& name, int8_t type, std::vector<int32_t> shape,
                             std::vector<float> scales, std::vector<int64_t> zero_points,
                             int quantized_dimension, int buffer) {
  const auto shape_vec = fbb_.CreateVector(shape);
  const auto name_str = fbb_.CreateString(name);
  flatbuffers::Offset<void> quant;
  if (!scales.empty()) {
    const auto scale_vec = fbb_.CreateVector(scales);
    const auto zp_vec = fbb_.CreateVector(zero_points);
    const auto start = fbb_.StartTable();
    fbb_.AddOffset(field(2), scale_vec);
    fbb_.AddOffset(field(3), zp_vec);
    fbb_.AddElement<int32_t>(field(6), quantized_dimension, 0);
    quant = flatbuffers::Offset<void>(fbb_.EndTable(start));
  }
  const auto start = fbb_.StartTable();
  fbb_.AddOffset(field(0), shape_vec);
  fbb_.AddElement<int8_t>(field(1), type, 0);
  fbb_.AddElement<uint32_t>(field(2), static_cast<uint32_t>(buffer), 0);
  fbb_.AddOffset(field(3), name_str);
  if (!scales.empty()) fbb_.AddOffset(field(4), quant);
  tensors_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
  return static_cast<int>(tensors_.size() - 1);
}

int TfliteWriter::add_variable(const std::string& name, int8_t type, std::vector<int32_t> shape) {
  const auto shape_vec = fbb_.CreateVector(shape);
  const auto name_str = fbb_.CreateString(name);
  const auto start = fbb_.StartTable();
  fbb_.AddOffset(field(0), shape_vec);
  fbb_.AddElement<int8_t>(field(1), type, 0);
  fbb_.AddOffset(field(3), name_str);
  fbb_.AddElement<uint8_t>(field(5), 1, 0);  // is_variable
  tensors_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
  return static_cast<int>(tensors_.size() - 1);
}

int TfliteWriter::builtin_code(int32_t code) {
  for (size_t i = 0; i < code_keys_.size(); ++i) {
    if (code_keys_[i].first == code && code_keys_[i].second.empty()) return static_cast<int>(i);
  }
  const auto start = fbb_.StartTable();
  fbb_.AddElement<int8_t>(field(0), static_cast<int8_t>(code < 127 ? code : 127), 0);
  fbb_.AddElement<int32_t>(field(2), 1, 1);
  fbb_.AddElement<int32_t>(field(3), code, 0);
  codes_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
  code_keys_.emplace_back(code, "");
  return static_cast<int>(codes_.size() - 1);
}

int TfliteWriter::custom_code(const std::string& name) {
  for (size_t i = 0; i < code_keys_.size(); ++i) {
    if (code_keys_[i].first == kCustomCode && code_keys_[i].second == name) return static_cast<int>(i);
  }
  const auto name_str = fbb_.CreateString(name);
  const auto start = fbb_.StartTable();
  fbb_.AddElement<int8_t>(field(0), kCustomCode, 0);
  fbb_.AddOffset(field(1), name_str);
  fbb_.AddElement<int32_t>(field(2), 1, 1);
  fbb_.AddElement<int32_t>(field(3), kCustomCode, 0);
  codes_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
  code_keys_.emplace_back(kCustomCode, name);
  return static_cast<int>(codes_.size() - 1);
}

void TfliteWriter::add_operator(int opcode_index, std::vector<int32_t> inputs,
                                std::vector<int32_t> outputs, const BuiltinOptions& options,
                                std::vector<uint8_t> custom_options) {
  std::vector<flatbuffers::Offset<flatbuffers::Vector<int32_t>>> int_vectors;
  for (const OptionField& f : options.fields) {
    if (f.kind == OptionField::kIntVector) int_vectors.push_back(fbb_.CreateVector(f.ints));
  }
  flatbuffers::Offset<void> options_table;
  if (options.tag != 0) {
    const auto start = fbb_.StartTable();
    size_t vector_index = 0;
    for (const OptionField& f : options.fields) {
      switch (f.kind) {
        case OptionField::kByte: fbb_.AddElement<int8_t>(field(f.id), static_cast<int8_t>(f.value), 0); break;
        case OptionField::kInt: fbb_.AddElement<int32_t>(field(f.id), static_cast<int32_t>(f.value), 0); break;
        case OptionField::kFloat: fbb_.AddElement<float>(field(f.id), static_cast<float>(f.value), 0); break;
        case OptionField::kIntVector: fbb_.AddOffset(field(f.id), int_vectors[vector_index++]); break;
      }
    }
    options_table = flatbuffers::Offset<void>(fbb_.EndTable(start));
  }
  const auto in_vec = fbb_.CreateVector(inputs);
  const auto out_vec = fbb_.CreateVector(outputs);
  flatbuffers::Offset<flatbuffers::Vector<uint8_t>> custom_vec;
  if (!custom_options.empty()) custom_vec = fbb_.CreateVector(custom_options);
  const auto start = fbb_.StartTable();
  fbb_.AddElement<uint32_t>(field(0), static_cast<uint32_t>(opcode_index), 0);
  fbb_.AddOffset(field(1), in_vec);
  fbb_.AddOffset(field(2), out_vec);
  if (options.tag != 0) {
    fbb_.AddElement<uint8_t>(field(3), options.tag, 0);
    fbb_.AddOffset(field(4), options_table);
  }
  if (!custom_options.empty()) fbb_.AddOffset(field(5), custom_vec);
  operators_.push_back(flatbuffers::Offset<void>(fbb_.EndTable(start)));
}

std::vector<uint8_t> TfliteWriter::finish(uint32_t version, int num_subgraphs) {
  const auto tensors = fbb_.CreateVector(tensors_);
  const auto inputs = fbb_.CreateVector(inputs_);
  const auto outputs = fbb_.CreateVector(outputs_);
  const auto operators = fbb_.CreateVector(operators_);
  const auto name = fbb_.CreateString("main");
  const auto sg_start = fbb_.StartTable();
  fbb_.AddOffset(field(0), tensors);
  fbb_.AddOffset(field(1), inputs);
  fbb_.AddOffset(field(2), outputs);
  fbb_.AddOffset(field(3), operators);
  fbb_.AddOffset(field(4), name);
  const flatbuffers::Offset<void> subgraph(fbb_.EndTable(sg_start));
  std::vector<flatbuffers::Offset<void>> subgraph_list(num_subgraphs, subgraph);
  const auto subgraphs = fbb_.CreateVector(subgraph_list);
  const auto codes = fbb_.CreateVector(codes_);
  const auto buffers = fbb_.CreateVector(buffers_);
  const auto description = fbb_.CreateString("hand-written test model");
  const auto start = fbb_.StartTable();
  fbb_.AddElement<uint32_t>(field(0), version, 0);
  fbb_.AddOffset(field(1), codes);
  fbb_.AddOffset(field(2), subgraphs);
  fbb_.AddOffset(field(3), description);
  fbb_.AddOffset(field(4), buffers);
  const flatbuffers::Offset<void> model(fbb_.EndTable(start));
  fbb_.Finish(model, "TFL3");
  return std::vector<uint8_t>(fbb_.GetBufferPointer(), fbb_.GetBufferPointer() + fbb_.GetSize());
}

}  // namespace testing
}  // namespace lowbit
