// Hand-written read access to the subset of the TFLite FlatBuffer schema
// (version 3, identifier "TFL3") that the importer needs. Field ids follow
// ../shared/NUMERICS.md section 6; a field id k lives at vtable offset 4 + 2k.
// Each table verifies only the fields the importer reads, so a file that
// passes verify_tflite_buffer() can be read through these accessors safely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <flatbuffers/flatbuffers.h>

namespace lowbit {
namespace tfl {

constexpr flatbuffers::voffset_t field(int id) {
  return static_cast<flatbuffers::voffset_t>(4 + 2 * id);
}

template <typename T>
using Vec = flatbuffers::Vector<T>;
template <typename T>
using TableVec = flatbuffers::Vector<flatbuffers::Offset<T>>;

enum TensorType : int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kInt8 = 9,
  // Signed 4-bit, two per byte, low nibble first (lowbit's DType::kInt4).
  kInt4 = 17,
};
const char* tensor_type_name(int type);

enum BuiltinOperator : int32_t {
  kAdd = 0,
  kAveragePool2D = 1,
  kConcatenation = 2,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kDepthToSpace = 5,
  kDequantize = 6,
  kFullyConnected = 9,
  kLogistic = 14,
  kMaxPool2D = 17,
  kMul = 18,
  kRelu = 19,
  kReluN1To1 = 20,
  kRelu6 = 21,
  kReshape = 22,
  kResizeBilinear = 23,
  kSoftmax = 25,
  kSpaceToDepth = 26,
  kCustom = 32,
  kPad = 34,
  kGather = 36,
  kTranspose = 39,
  kMean = 40,
  kSub = 41,
  kSqueeze = 43,
  kStridedSlice = 45,
  kSplit = 49,
  kSlice = 65,
  kTile = 69,
  kExpandDims = 70,
  kArgMax = 56,
  kArgMin = 79,
  kPack = 83,
  kUnpack = 88,
  kSplitV = 102,
  kResizeNearestNeighbor = 97,
  kQuantize = 114,
  kHardSwish = 117,
  kDiv = 42,
  kCast = 53,
  kSqrt = 75,
  kRsqrt = 76,
  kFloorDiv = 90,
  kGatherNd = 107,
  kMaximum = 55,
  kMinimum = 57,
  kNeg = 59,
  kFloorMod = 95,
  kSquaredDifference = 99,
  kAbs = 101,
  kTransposeConv = 67,
  kL2Normalization = 11,
  kTanh = 28,
  kExp = 47,
  kLog = 73,
  kLeakyRelu = 98,
  kPrelu = 54,
  kSum = 74,
  kReduceMax = 82,
  kReduceMin = 89,
  kSpaceToBatchNd = 38,
  kBatchToSpaceNd = 37,
  kUnidirectionalSequenceLstm = 44,
  kBidirectionalSequenceLstm = 52,
  kSvdf = 27,
  kUnidirectionalSequenceRnn = 35,
};
// TFLite's name of any builtin operator code ("RESIZE_BILINEAR" for 23); only
// codes newer than the table in tflite_operator_names.cpp give "BUILTIN_<n>".
std::string builtin_operator_name(int32_t code);
// Codes 0 .. count-1 have names.
int32_t known_builtin_operator_count();

// BuiltinOptions union tags the importer reads.
enum OptionsTag : uint8_t {
  kConv2DOptions = 1,
  kDepthwiseConv2DOptions = 2,
  kPool2DOptions = 5,
  kResizeBilinearOptions = 15,
  kFullyConnectedOptions = 8,
  kSoftmaxOptions = 9,
  kConcatenationOptions = 10,
  kAddOptions = 11,
  kReshapeOptions = 17,
  kMulOptions = 21,
  kPadOptions = 22,
  kReducerOptions = 27,
  kSpaceToDepthOptions = 19,
  kGatherOptions = 23,
  kSqueezeOptions = 30,
  kStridedSliceOptions = 32,
  kSplitOptions = 35,
  kPackOptions = 59,
  kUnpackOptions = 64,
  kSplitVOptions = 79,
  kDepthToSpaceOptions = 94,
  kSubOptions = 28,
  kResizeNearestNeighborOptions = 74,
  kArgMaxOptions = 40,
  kArgMinOptions = 57,
  kDivOptions = 29,
  kTransposeConvOptions = 49,
  kL2NormOptions = 12,
  kLeakyReluOptions = 75,
  kUnidirectionalSequenceLstmOptions = 71,
  kBidirectionalSequenceLstmOptions = 69,
  kSvdfOptions = 6,
  kSequenceRnnOptions = 31,
};

// Any builtin options table; accessors by field id. The verifier checks the
// fields of the tags listed above with their real types.
struct OptionsTable : private flatbuffers::Table {
  int32_t int_field(int id, int32_t fallback) const { return GetField<int32_t>(field(id), fallback); }
  int8_t byte_field(int id, int8_t fallback) const { return GetField<int8_t>(field(id), fallback); }
  bool bool_field(int id, bool fallback) const { return GetField<uint8_t>(field(id), fallback) != 0; }
  float float_field(int id, float fallback) const { return GetField<float>(field(id), fallback); }
  bool has(int id) const { return CheckField(field(id)); }
  const Vec<int32_t>* int_vector(int id) const { return GetPointer<const Vec<int32_t>*>(field(id)); }
  bool Verify(flatbuffers::Verifier& v, uint8_t tag) const;
};

struct Buffer : private flatbuffers::Table {
  const Vec<uint8_t>* data() const { return GetPointer<const Vec<uint8_t>*>(field(0)); }
  uint64_t offset() const { return GetField<uint64_t>(field(1), 0); }
  uint64_t size() const { return GetField<uint64_t>(field(2), 0); }
  bool Verify(flatbuffers::Verifier& v) const;
};

// Element i of an int64 vector. The verifier only guarantees 4-byte
// alignment for vector contents, so 8-byte elements are copied, not loaded.
inline int64_t read_int64(const Vec<int64_t>* v, size_t i) {
  int64_t value;
  std::memcpy(&value, v->Data() + i * sizeof(int64_t), sizeof(int64_t));
  return value;
}

struct QuantizationParameters : private flatbuffers::Table {
  const Vec<float>* scale() const { return GetPointer<const Vec<float>*>(field(2)); }
  const Vec<int64_t>* zero_point() const { return GetPointer<const Vec<int64_t>*>(field(3)); }
  uint8_t details_type() const { return GetField<uint8_t>(field(4), 0); }
  int32_t quantized_dimension() const { return GetField<int32_t>(field(6), 0); }
  bool Verify(flatbuffers::Verifier& v) const;
};

struct Tensor : private flatbuffers::Table {
  const Vec<int32_t>* shape() const { return GetPointer<const Vec<int32_t>*>(field(0)); }
  int8_t type() const { return GetField<int8_t>(field(1), kFloat32); }
  uint32_t buffer() const { return GetField<uint32_t>(field(2), 0); }
  const flatbuffers::String* name() const { return GetPointer<const flatbuffers::String*>(field(3)); }
  const QuantizationParameters* quantization() const {
    return GetPointer<const QuantizationParameters*>(field(4));
  }
  bool is_variable() const { return GetField<uint8_t>(field(5), 0) != 0; }
  bool has_sparsity() const { return CheckField(field(6)); }
  bool Verify(flatbuffers::Verifier& v) const;
};

struct Operator : private flatbuffers::Table {
  uint32_t opcode_index() const { return GetField<uint32_t>(field(0), 0); }
  const Vec<int32_t>* inputs() const { return GetPointer<const Vec<int32_t>*>(field(1)); }
  const Vec<int32_t>* outputs() const { return GetPointer<const Vec<int32_t>*>(field(2)); }
  uint8_t builtin_options_type() const { return GetField<uint8_t>(field(3), 0); }
  const OptionsTable* builtin_options() const { return GetPointer<const OptionsTable*>(field(4)); }
  const Vec<uint8_t>* custom_options() const { return GetPointer<const Vec<uint8_t>*>(field(5)); }
  // Tensors recording quantization of internal values (the integer LSTM's).
  const Vec<int32_t>* intermediates() const { return GetPointer<const Vec<int32_t>*>(field(8)); }
  bool Verify(flatbuffers::Verifier& v) const;
};

struct OperatorCode : private flatbuffers::Table {
  int8_t deprecated_builtin_code() const { return GetField<int8_t>(field(0), 0); }
  const flatbuffers::String* custom_code() const {
    return GetPointer<const flatbuffers::String*>(field(1));
  }
  int32_t version() const { return GetField<int32_t>(field(2), 1); }
  int32_t builtin_code() const { return GetField<int32_t>(field(3), 0); }
  // Files from before builtin_code existed only fill the int8 field.
  int32_t code() const {
    const int32_t a = deprecated_builtin_code(), b = builtin_code();
    return a > b ? a : b;
  }
  bool Verify(flatbuffers::Verifier& v) const;
};

struct SubGraph : private flatbuffers::Table {
  const TableVec<Tensor>* tensors() const { return GetPointer<const TableVec<Tensor>*>(field(0)); }
  const Vec<int32_t>* inputs() const { return GetPointer<const Vec<int32_t>*>(field(1)); }
  const Vec<int32_t>* outputs() const { return GetPointer<const Vec<int32_t>*>(field(2)); }
  const TableVec<Operator>* operators() const {
    return GetPointer<const TableVec<Operator>*>(field(3));
  }
  const flatbuffers::String* name() const { return GetPointer<const flatbuffers::String*>(field(4)); }
  bool Verify(flatbuffers::Verifier& v) const;
};

struct Model : private flatbuffers::Table {
  uint32_t version() const { return GetField<uint32_t>(field(0), 0); }
  const TableVec<OperatorCode>* operator_codes() const {
    return GetPointer<const TableVec<OperatorCode>*>(field(1));
  }
  const TableVec<SubGraph>* subgraphs() const {
    return GetPointer<const TableVec<SubGraph>*>(field(2));
  }
  const flatbuffers::String* description() const {
    return GetPointer<const flatbuffers::String*>(field(3));
  }
  const TableVec<Buffer>* buffers() const { return GetPointer<const TableVec<Buffer>*>(field(4)); }
  bool Verify(flatbuffers::Verifier& v) const;
};

constexpr const char* kFileIdentifier = "TFL3";

// Checks the identifier and every table, vector and string the accessors can
// reach. Returns the root, or nullptr with a reason in *why.
const Model* verify_tflite_buffer(const uint8_t* data, size_t size, const char** why);

}  // namespace tfl
}  // namespace lowbit
