// Internal state of one TFLite import, shared by the builtin and LCE
// operator converters.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "convert/tflite_importer.h"
#include "convert/tflite_schema.h"
#include "lowbit/graph.h"

namespace lowbit {
namespace convert {

inline Status unsupported(std::string message) {
  return Status(StatusCode::kUnsupported, std::move(message));
}
inline Status invalid(std::string message) {
  return Status(StatusCode::kInvalidModel, std::move(message));
}

// One TFLite operator being converted. Tensor indices are TFLite's (-1 = absent).
struct OpContext {
  int index = 0;
  std::string kind;  // "CONV_2D", "LceBconv2d"
  int32_t code = -1;  // TFLite builtin code (tfl::kCustom for custom operators)
  const tfl::Operator* op = nullptr;
  std::vector<int> inputs;
  std::vector<int> outputs;
};

class Importer {
 public:
  Importer(const uint8_t* data, size_t size, const tfl::Model* model, ModelBuilder* builder,
           ConversionSummary* summary);
  Status run();
  // A fresh importer of the same model and folded constants writing into
  // `builder` (constant folding converts one operator at a time through it).
  Importer fork(ModelBuilder* builder, ConversionSummary* summary) const;

  // --- used by the operator converters ---
  int num_tensors() const { return static_cast<int>(tensors_->size()); }
  const tfl::Tensor* tfl_tensor(int index) const { return tensors_->Get(index); }
  // The lowbit tensor for a TFLite tensor, created on first use. A tensor
  // TFLite leaves unshaped (rank 0: custom operators size their outputs when
  // TFLite prepares them) takes `unshaped_as` where the converter knows it.
  Result<int> tensor(int index, const Shape* unshaped_as = nullptr);
  // kAbsentInput for -1.
  Result<int> optional_tensor(int index);
  // TFLite shape (bit tensors: in 32-bit words, as stored).
  Result<Shape> tfl_shape(int index) const;
  // Lowbit shape (bit tensors: logical channel count).
  Result<Shape> shape(int index) const;
  // TFLite element type; -1 for an index out of range.
  int8_t tfl_type(int index) const {
    return index >= 0 && index < num_tensors() ? tfl_tensor(index)->type() : int8_t(-1);
  }
  bool is_created(int index) const {
    return index >= 0 && index < num_tensors() && lowbit_index_[index] >= 0;
  }
  std::vector<int> graph_outputs() const;  // TFLite indices
  std::string tensor_label(int index) const;  // "tensor 7 (\"conv1/weights\")"
  // Constant data of a tensor (from the file or folded), or nullptr/0 when it has none.
  const uint8_t* constant_data(int index, size_t* bytes) const;
  // Gives a computed tensor constant data (its operator was folded away).
  void set_folded_constant(int index, std::vector<uint8_t> bytes);
  // An INT32 or INT64 constant as int32 values (shape/axes/paddings tensors).
  Result<std::vector<int32_t>> constant_ints(int index) const;

  // Bitpacked tensors: logical channel count, 0 = not a bit tensor.
  int bit_channels(int index) const {
    return index >= 0 && index < num_tensors() ? bit_channels_[index] : 0;
  }
  void set_bit_channels(int index, int channels) { bit_channels_[index] = channels; }

  // INT4 tensors map to DType::kInt4 (packing kept) only once an operator
  // that takes them (CONV_2D, FULLY_CONNECTED weights) has accepted them.
  void accept_int4(int index) { int4_accepted_[index] = true; }

  // A tensor with no TFLite counterpart (for lowerings), and read access to
  // any created lowbit tensor.
  int add_extra_tensor(std::string name, DType dtype, const Shape& shape, Quantization quant);
  const TensorDesc& lowbit_tensor(int lowbit_index) const;

  // Defines the output of a folded operator as a float constant.
  Status define_float_constant(int index, const std::vector<float>& values);

  void add_operator(const OpContext& ctx, OpType type, std::vector<int> inputs,
                    std::vector<int> outputs, OpOptions options = {});
  void count_macs(DType dtype, uint64_t macs);
  void note(std::string text) { summary_->notes.push_back(std::move(text)); }
  // The failure for an operator kind with no converter at all: run() names
  // every such kind, with its count, ahead of the per-operator reasons.
  Status unsupported_operator(const OpContext& ctx);

 private:
  Status start();  // reads the subgraph, sizes the per-tensor tables
  Status check_index(int index) const;
  Result<Quantization> quantization(int index, DType dtype, const Shape& shape) const;
  Status convert_operator(int k);
  void sum_source_weights();

  const uint8_t* data_;
  size_t size_;
  const tfl::Model* model_;
  const tfl::SubGraph* subgraph_ = nullptr;
  const tfl::TableVec<tfl::Tensor>* tensors_ = nullptr;
  ModelBuilder* builder_;
  ConversionSummary* summary_;
  std::vector<int> lowbit_index_;  // -1 until created
  std::vector<int> bit_channels_;
  std::vector<bool> int4_accepted_;
  std::vector<bool> kind_unsupported_;  // per TFLite operator
  std::map<int, std::vector<uint8_t>> folded_;  // TFLite tensor -> folded value
};

// Float values of a quantized (int8/uint8) or FLOAT16 constant; empty when
// the tensor is not such a constant (weight_folding.cpp).
Result<std::vector<float>> dequantize_constant(const Importer& im, int index);
// Replaces quantized weights of a float operator (dynamic-range or FLOAT16
// compression) by their float values, so the operator runs in float.
Status fold_float_weights(Importer& im, const OpContext& ctx, size_t weight_input);

// Evaluates, at conversion time, every builtin operator whose inputs are all
// constant (and SHAPE of any statically shaped tensor) with lowbit's own
// operators, giving its outputs constant data; marks those operators in
// *folded so they are not converted (constant_folding.cpp).
void fold_constant_operators(Importer& im, const std::vector<OpContext>& ops,
                             std::vector<bool>* folded);

// Builtin operators (tflite_builtin_ops.cpp).
Status convert_builtin(Importer& im, const OpContext& ctx, int32_t code);
// UNIDIRECTIONAL_SEQUENCE_LSTM (tflite_lstm.cpp).
Status convert_sequence_lstm(Importer& im, const OpContext& ctx);
Status convert_bidirectional_lstm(Importer& im, const OpContext& ctx);
// Larq Compute Engine custom operators (lce_ops.cpp).
Status convert_custom(Importer& im, const OpContext& ctx, const std::string& custom_code);
// Marks LCE bitpacked tensors and their logical channel counts before any
// tensor is created (a tensor's dtype depends on who consumes it).
void infer_bit_tensors(Importer& im, const std::vector<OpContext>& ops,
                       const std::vector<std::string>& custom_codes);

}  // namespace convert
}  // namespace lowbit
