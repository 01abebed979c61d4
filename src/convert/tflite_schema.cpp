#include "convert/tflite_schema.h"

#include <string>

namespace lowbit {
namespace tfl {
namespace {

// A field list entry for the option tables: id and scalar size (0 = vector of int32).
struct FieldSpec {
  int id;
  int size;
};

template <typename T>
bool verify_scalar(const flatbuffers::Table* table, flatbuffers::Verifier& v, int id) {
  return table->VerifyField<T>(v, field(id), sizeof(T));
}

bool verify_option_fields(const flatbuffers::Table* table, flatbuffers::Verifier& v,
                          std::initializer_list<FieldSpec> fields) {
  for (const FieldSpec& f : fields) {
    bool ok = true;
    switch (f.size) {
      case 0:
        ok = table->VerifyOffset(v, field(f.id)) &&
             v.VerifyVector(table->GetPointer<const Vec<int32_t>*>(field(f.id)));
        break;
      case 1: ok = verify_scalar<int8_t>(table, v, f.id); break;
      case 4: ok = verify_scalar<int32_t>(table, v, f.id); break;
      default: ok = false;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const char* tensor_type_name(int type) {
  switch (type) {
    case kFloat32: return "FLOAT32";
    case kFloat16: return "FLOAT16";
    case kInt32: return "INT32";
    case kUInt8: return "UINT8";
    case kInt64: return "INT64";
    case kString: return "STRING";
    case kBool: return "BOOL";
    case kInt16: return "INT16";
    case kInt8: return "INT8";
    case kInt4: return "INT4";
    default: return "an unknown tensor type";
  }
}

bool OptionsTable::Verify(flatbuffers::Verifier& v, uint8_t tag) const {
  if (!VerifyTableStart(v)) return false;
  bool ok = true;
  switch (tag) {
    case kConv2DOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 4}, {2, 4}, {3, 1}, {4, 4}, {5, 4}});
      break;
    case kDepthwiseConv2DOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 4}, {2, 4}, {3, 4}, {4, 1}, {5, 4}, {6, 4}});
      break;
    case kPool2DOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 4}, {2, 4}, {3, 4}, {4, 4}, {5, 1}});
      break;
    case kFullyConnectedOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 1}, {2, 1}, {3, 1}});
      break;
    case kSoftmaxOptions: ok = verify_option_fields(this, v, {{0, 4}}); break;
    case kConcatenationOptions: ok = verify_option_fields(this, v, {{0, 4}, {1, 1}}); break;
    case kAddOptions:
    case kSubOptions: ok = verify_option_fields(this, v, {{0, 1}, {1, 1}}); break;
    case kDivOptions:
    case kMulOptions: ok = verify_option_fields(this, v, {{0, 1}}); break;
    case kReshapeOptions: ok = verify_option_fields(this, v, {{0, 0}}); break;
    case kReducerOptions: ok = verify_option_fields(this, v, {{0, 1}}); break;
    case kSpaceToDepthOptions:
    case kDepthToSpaceOptions:
    case kSplitOptions:
    case kSplitVOptions: ok = verify_option_fields(this, v, {{0, 4}}); break;
    case kGatherOptions:
    case kPackOptions:
    case kUnpackOptions: ok = verify_option_fields(this, v, {{0, 4}, {1, 4}}); break;
    case kSqueezeOptions: ok = verify_option_fields(this, v, {{0, 0}}); break;
    case kStridedSliceOptions:
      ok = verify_option_fields(this, v, {{0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 4}, {5, 1}});
      break;
    case kResizeBilinearOptions:
      ok = verify_option_fields(this, v, {{0, 4}, {1, 4}, {2, 1}, {3, 1}});
      break;
    case kResizeNearestNeighborOptions: ok = verify_option_fields(this, v, {{0, 1}, {1, 1}}); break;
    case kUnidirectionalSequenceLstmOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 4}, {2, 4}, {3, 1}, {4, 1}, {5, 1}});
      break;
    case kBidirectionalSequenceLstmOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 4}, {2, 4}, {3, 1}, {4, 1}, {5, 1}});
      break;
    case kSvdfOptions: ok = verify_option_fields(this, v, {{0, 4}, {1, 1}, {2, 1}}); break;
    case kSequenceRnnOptions: ok = verify_option_fields(this, v, {{0, 1}, {1, 1}, {2, 1}}); break;
    case kArgMaxOptions:
    case kArgMinOptions: ok = verify_option_fields(this, v, {{0, 1}}); break;
    case kTransposeConvOptions:
      ok = verify_option_fields(this, v, {{0, 1}, {1, 4}, {2, 4}, {3, 1}});
      break;
    case kL2NormOptions: ok = verify_option_fields(this, v, {{0, 1}}); break;
    case kLeakyReluOptions: ok = verify_option_fields(this, v, {{0, 4}}); break;  // alpha:float
    default: break;  // never read beyond the table header
  }
  return ok && v.EndTable();
}

bool Buffer::Verify(flatbuffers::Verifier& v) const {
  return VerifyTableStart(v) && VerifyOffset(v, field(0)) && v.VerifyVector(data()) &&
         VerifyField<uint64_t>(v, field(1), sizeof(uint64_t)) &&
         VerifyField<uint64_t>(v, field(2), sizeof(uint64_t)) && v.EndTable();
}

bool QuantizationParameters::Verify(flatbuffers::Verifier& v) const {
  return VerifyTableStart(v) && VerifyOffset(v, field(2)) && v.VerifyVector(scale()) &&
         VerifyOffset(v, field(3)) && v.VerifyVector(zero_point()) &&
         VerifyField<uint8_t>(v, field(4), 1) &&
         VerifyField<int32_t>(v, field(6), sizeof(int32_t)) && v.EndTable();
}

bool Tensor::Verify(flatbuffers::Verifier& v) const {
  return VerifyTableStart(v) && VerifyOffset(v, field(0)) && v.VerifyVector(shape()) &&
         VerifyField<int8_t>(v, field(1), 1) &&
         VerifyField<uint32_t>(v, field(2), sizeof(uint32_t)) && VerifyOffset(v, field(3)) &&
         v.VerifyString(name()) && VerifyOffset(v, field(4)) && v.VerifyTable(quantization()) &&
         VerifyField<uint8_t>(v, field(5), 1) && v.EndTable();
}

bool Operator::Verify(flatbuffers::Verifier& v) const {
  if (!(VerifyTableStart(v) && VerifyField<uint32_t>(v, field(0), sizeof(uint32_t)) &&
        VerifyOffset(v, field(1)) && v.VerifyVector(inputs()) && VerifyOffset(v, field(2)) &&
        v.VerifyVector(outputs()) && VerifyField<uint8_t>(v, field(3), 1) &&
        VerifyOffset(v, field(4)) && VerifyOffset(v, field(5)) &&
        v.VerifyVector(custom_options()) && VerifyOffset(v, field(8)) &&
        v.VerifyVector(intermediates()))) {
    return false;
  }
  const OptionsTable* options = builtin_options();
  if (options != nullptr && !options->Verify(v, builtin_options_type())) return false;
  return v.EndTable();
}

bool OperatorCode::Verify(flatbuffers::Verifier& v) const {
  return VerifyTableStart(v) && VerifyField<int8_t>(v, field(0), 1) &&
         VerifyOffset(v, field(1)) && v.VerifyString(custom_code()) &&
         VerifyField<int32_t>(v, field(2), sizeof(int32_t)) &&
         VerifyField<int32_t>(v, field(3), sizeof(int32_t)) && v.EndTable();
}

bool SubGraph::Verify(flatbuffers::Verifier& v) const {
  return VerifyTableStart(v) && VerifyOffset(v, field(0)) && v.VerifyVector(tensors()) &&
         v.VerifyVectorOfTables(tensors()) && VerifyOffset(v, field(1)) &&
         v.VerifyVector(inputs()) && VerifyOffset(v, field(2)) && v.VerifyVector(outputs()) &&
         VerifyOffset(v, field(3)) && v.VerifyVector(operators()) &&
         v.VerifyVectorOfTables(operators()) && VerifyOffset(v, field(4)) &&
         v.VerifyString(name()) && v.EndTable();
}

bool Model::Verify(flatbuffers::Verifier& v) const {
  return VerifyTableStart(v) && VerifyField<uint32_t>(v, field(0), sizeof(uint32_t)) &&
         VerifyOffset(v, field(1)) && v.VerifyVector(operator_codes()) &&
         v.VerifyVectorOfTables(operator_codes()) && VerifyOffset(v, field(2)) &&
         v.VerifyVector(subgraphs()) && v.VerifyVectorOfTables(subgraphs()) &&
         VerifyOffset(v, field(3)) && v.VerifyString(description()) &&
         VerifyOffset(v, field(4)) && v.VerifyVector(buffers()) &&
         v.VerifyVectorOfTables(buffers()) && v.EndTable();
}

const Model* verify_tflite_buffer(const uint8_t* data, size_t size, const char** why) {
  if (data == nullptr || size < 8) {
    *why = "the file is too small to be a TFLite model";
    return nullptr;
  }
  if (!flatbuffers::BufferHasIdentifier(data, kFileIdentifier)) {
    *why = "the file identifier is not \"TFL3\" (not a TFLite FlatBuffer)";
    return nullptr;
  }
  // Files over 2 GiB keep weights outside the FlatBuffer; the verifier only
  // needs to see the FlatBuffer part, which must fit its 2 GiB limit.
  const size_t checked = size < FLATBUFFERS_MAX_BUFFER_SIZE ? size : FLATBUFFERS_MAX_BUFFER_SIZE - 1;
  flatbuffers::Verifier verifier(data, checked);
  if (!verifier.VerifyBuffer<Model>(kFileIdentifier)) {
    *why = "the FlatBuffer failed verification (truncated or corrupt file)";
    return nullptr;
  }
  return flatbuffers::GetRoot<Model>(data);
}

}  // namespace tfl
}  // namespace lowbit
