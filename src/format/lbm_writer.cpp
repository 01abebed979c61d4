#include <cstring>
#include <string>

#include "format/fb_options.h"
#include "format/lbm_format.h"
#include "schema/lowbit_generated.h"

namespace lowbit {
namespace {

size_t align_up(size_t n) { return (n + kLbmAlignment - 1) / kLbmAlignment * kLbmAlignment; }

std::vector<int32_t> to_int32(const std::vector<int>& v) { return {v.begin(), v.end()}; }

// Builds the FlatBuffer with constant segments placed from `data_start` on.
// Tensors without data get buffer -1; each constant gets its own buffer.
void build_flatbuffer(const GraphDesc& graph, size_t data_start,
                      flatbuffers::FlatBufferBuilder* fbb) {
  fbb->Clear();
  std::vector<fb::Buffer> buffers;
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  size_t next = data_start;
  for (const TensorDesc& t : graph.tensors) {
    int32_t buffer = -1;
    if (t.is_constant()) {
      buffer = static_cast<int32_t>(buffers.size());
      buffers.emplace_back(next, t.data_bytes);
      next = align_up(next + t.data_bytes);
    }
    flatbuffers::Offset<fb::Quantization> quant = 0;
    if (!t.quant.scales.empty() || !t.quant.zero_points.empty()) {
      std::vector<int64_t> zero_points(t.quant.zero_points.begin(), t.quant.zero_points.end());
      quant = fb::CreateQuantization(*fbb, fbb->CreateVector(t.quant.scales),
                                     fbb->CreateVector(zero_points), t.quant.axis);
    }
    const std::vector<int32_t> dims = t.shape.to_vector();
    tensors.push_back(fb::CreateTensor(*fbb, fbb->CreateString(t.name),
                                       static_cast<fb::DType>(t.dtype), fbb->CreateVector(dims),
                                       buffer, quant, t.is_variable));
  }
  // Prepared data follows the tensors' constants, operator by operator.
  std::vector<flatbuffers::Offset<fb::Operator>> operators;
  for (const OperatorDesc& op : graph.operators) {
    fb::Options options_type = fb::Options::NONE;
    const flatbuffers::Offset<void> options = write_options(*fbb, op.options, &options_type);
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::PreparedData>>> prepared = 0;
    if (!op.prepared.empty()) {
      std::vector<flatbuffers::Offset<fb::PreparedData>> entries;
      for (const PreparedData& p : op.prepared) {
        entries.push_back(fb::CreatePreparedData(*fbb, fbb->CreateString(p.key),
                                                 static_cast<int32_t>(buffers.size())));
        buffers.emplace_back(next, p.bytes);
        next = align_up(next + p.bytes);
      }
      prepared = fbb->CreateVector(entries);
    }
    operators.push_back(fb::CreateOperator(
        *fbb, static_cast<fb::OpType>(op.type), fbb->CreateString(op.name),
        fbb->CreateVector(to_int32(op.inputs)), fbb->CreateVector(to_int32(op.outputs)),
        options_type, options, prepared));
  }
  const auto model = fb::CreateModel(
      *fbb, kLbmFormatVersion, fbb->CreateString(graph.description), fbb->CreateVector(tensors),
      fbb->CreateVector(operators), fbb->CreateVector(to_int32(graph.inputs)),
      fbb->CreateVector(to_int32(graph.outputs)), fbb->CreateVectorOfStructs(buffers));
  fbb->Finish(model, kLbmFileIdentifier);
}

}  // namespace

Result<std::vector<uint8_t>> serialize_graph(const GraphDesc& graph) {
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    const TensorDesc& t = graph.tensors[i];
    if (t.shape.rank < 0 || t.shape.rank > kMaxRank) {
      return Status(StatusCode::kInvalidArgument, describe_tensor(graph, static_cast<int>(i)) +
                                                      ": invalid rank " +
                                                      std::to_string(t.shape.rank));
    }
    if (t.data_bytes != 0 && t.data == nullptr) {
      return Status(StatusCode::kInvalidArgument,
                    describe_tensor(graph, static_cast<int>(i)) + ": has a size but no data");
    }
  }
  for (size_t i = 0; i < graph.operators.size(); ++i) {
    for (const PreparedData& p : graph.operators[i].prepared) {
      if (p.bytes != 0 && p.data == nullptr) {
        return Status(StatusCode::kInvalidArgument,
                      describe_operator(graph, static_cast<int>(i)) + ": prepared data \"" +
                          p.key + "\" has a size but no data");
      }
    }
  }
  // Buffer offsets do not change the FlatBuffer's size (fixed-size structs),
  // so placing the data right after a first build is final; the loop guards
  // against that assumption ever breaking.
  flatbuffers::FlatBufferBuilder fbb(4096);
  size_t data_start = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    build_flatbuffer(graph, data_start, &fbb);
    if (align_up(fbb.GetSize()) == data_start) break;
    data_start = align_up(fbb.GetSize());
  }
  if (align_up(fbb.GetSize()) != data_start) {
    return Status(StatusCode::kInternal, "model writer: FlatBuffer size did not settle");
  }

  size_t total = data_start;
  for (const TensorDesc& t : graph.tensors) {
    if (t.is_constant()) total = align_up(total + t.data_bytes);
  }
  for (const OperatorDesc& op : graph.operators) {
    for (const PreparedData& p : op.prepared) total = align_up(total + p.bytes);
  }
  std::vector<uint8_t> file(total, 0);
  std::memcpy(file.data(), fbb.GetBufferPointer(), fbb.GetSize());
  size_t next = data_start;
  for (const TensorDesc& t : graph.tensors) {
    if (!t.is_constant()) continue;
    if (t.data_bytes) std::memcpy(file.data() + next, t.data, t.data_bytes);
    next = align_up(next + t.data_bytes);
  }
  for (const OperatorDesc& op : graph.operators) {
    for (const PreparedData& p : op.prepared) {
      if (p.bytes) std::memcpy(file.data() + next, p.data, p.bytes);
      next = align_up(next + p.bytes);
    }
  }
  return file;
}

}  // namespace lowbit
