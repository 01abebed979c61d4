#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "format/fb_options.h"
#include "format/lbm_format.h"
#include "graph/validate.h"
#include "schema/lowbit_generated.h"

namespace lowbit {
namespace {

Status invalid_model(std::string message) {
  return Status(StatusCode::kInvalidModel, std::move(message));
}

std::string printable_identifier(const uint8_t* p) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    if (std::isprint(p[i])) {
      s += static_cast<char>(p[i]);
    } else {
      static const char kHex[] = "0123456789abcdef";
      s += "\\x";
      s += kHex[p[i] >> 4];
      s += kHex[p[i] & 15];
    }
  }
  return s;
}

// The Verifier checks vector lengths but not the alignment of 8-byte
// elements; a corrupt file could otherwise make us load them misaligned.
bool aligned_in_file(const uint8_t* p, const uint8_t* file, size_t alignment) {
  return static_cast<size_t>(p - file) % alignment == 0;
}

struct Segment {
  const uint8_t* data;
  size_t size;
};

Status read_buffers(const fb::Model& model, const uint8_t* file, size_t file_size,
                    std::vector<Segment>* segments) {
  const auto* buffers = model.buffers();
  if (buffers == nullptr) return Status::Ok();
  if (buffers->size() != 0 && !aligned_in_file(buffers->Data(), file, alignof(fb::Buffer))) {
    return invalid_model("the buffers vector is misaligned (corrupt file)");
  }
  for (flatbuffers::uoffset_t i = 0; i < buffers->size(); ++i) {
    const fb::Buffer* b = buffers->Get(i);
    const uint64_t offset = b->offset(), size = b->size();
    const std::string who = "buffer " + std::to_string(i);
    if (offset % kLbmAlignment != 0) {
      return invalid_model(who + ": offset " + std::to_string(offset) +
                           " is not a multiple of " + std::to_string(kLbmAlignment));
    }
    // Written so that neither comparison can overflow.
    if (offset > file_size || size > file_size - offset) {
      return invalid_model(who + ": bytes [" + std::to_string(offset) + ", +" +
                           std::to_string(size) + ") lie outside the " +
                           std::to_string(file_size) + "-byte file");
    }
    segments->push_back({file + offset, static_cast<size_t>(size)});
  }
  return Status::Ok();
}

Status read_tensor(const fb::Tensor& ft, int index, const uint8_t* file,
                   const std::vector<Segment>& segments, const LoadOptions& options,
                   GraphDesc* graph) {
  graph->tensors.emplace_back();
  TensorDesc& t = graph->tensors.back();
  if (ft.name()) t.name = ft.name()->str();
  // Named only when something is wrong: building the string for every
  // tensor was a visible part of loading a model.
  auto who = [&] { return describe_tensor(*graph, index); };

  const int dtype = static_cast<int>(ft.dtype());
  if (dtype < 0 || dtype > static_cast<int>(DType::kInt4)) {
    return invalid_model(who() + ": unknown dtype " + std::to_string(dtype));
  }
  t.dtype = static_cast<DType>(dtype);

  // Shape can hold at most kMaxRank dims; the value checks of dims happen in
  // validate_graph so builder graphs get them too.
  const size_t rank = ft.shape() ? ft.shape()->size() : 0;
  const int rank_limit = std::min(options.max_rank, kMaxRank);
  if (rank > static_cast<size_t>(std::max(rank_limit, 0))) {
    return Status(StatusCode::kResourceExhausted, who() + ": rank " + std::to_string(rank) +
                                                      " exceeds the limit of " +
                                                      std::to_string(rank_limit));
  }
  t.is_variable = ft.is_variable();
  t.shape.rank = static_cast<int>(rank);
  for (size_t d = 0; d < rank; ++d) t.shape.dims[d] = ft.shape()->Get(d);

  const int32_t buffer = ft.buffer();
  if (buffer != -1) {
    if (buffer < 0 || static_cast<size_t>(buffer) >= segments.size()) {
      return invalid_model(who() + ": buffer index " + std::to_string(buffer) +
                           " is out of range (model has " + std::to_string(segments.size()) +
                           " buffers)");
    }
    t.data = segments[buffer].data;
    t.data_bytes = segments[buffer].size;
  }

  if (const fb::Quantization* q = ft.quantization()) {
    if (q->scale()) t.quant.scales.assign(q->scale()->begin(), q->scale()->end());
    if (q->zero_point()) {
      if (q->zero_point()->size() != 0 &&
          !aligned_in_file(q->zero_point()->Data(), file, sizeof(int64_t))) {
        return invalid_model(who() + ": the zero_point vector is misaligned (corrupt file)");
      }
      t.quant.zero_points.reserve(q->zero_point()->size());
      for (int64_t zp : *q->zero_point()) {
        if (zp < std::numeric_limits<int32_t>::min() || zp > std::numeric_limits<int32_t>::max()) {
          return invalid_model(who() + ": zero point " + std::to_string(zp) +
                               " is out of range for " + dtype_name(t.dtype));
        }
        t.quant.zero_points.push_back(static_cast<int32_t>(zp));
      }
    }
    t.quant.axis = q->axis();
  }
  return Status::Ok();
}

// An operator's prepared data (docs/format.md): each entry names a key and a
// buffer in range. Whether the bytes fit is for the kernel that asks for
// them (PrepareContext::find_prepared: size and alignment, else ignored).
Status read_prepared(const fb::Operator& fop, int index, const std::vector<Segment>& segments,
                     GraphDesc* graph) {
  const auto* entries = fop.prepared();
  if (entries == nullptr) return Status::Ok();
  OperatorDesc& op = graph->operators.back();
  op.prepared.reserve(entries->size());
  for (flatbuffers::uoffset_t i = 0; i < entries->size(); ++i) {
    const fb::PreparedData* entry = entries->Get(i);
    const int32_t buffer = entry->buffer();
    if (entry->key() == nullptr || buffer < 0 || static_cast<size_t>(buffer) >= segments.size()) {
      return invalid_model(describe_operator(*graph, index) + ": prepared data " +
                           std::to_string(i) +
                           (entry->key() ? " (\"" + entry->key()->str() + "\")" : " (no key)") +
                           ": buffer index " + std::to_string(buffer) +
                           " is out of range (model has " + std::to_string(segments.size()) +
                           " buffers)");
    }
    op.prepared.push_back({entry->key()->str(), segments[buffer].data, segments[buffer].size});
  }
  return Status::Ok();
}

Status read_operator(const fb::Operator& fop, int index, const std::vector<Segment>& segments,
                     GraphDesc* graph) {
  graph->operators.emplace_back();
  OperatorDesc& op = graph->operators.back();
  if (fop.name()) op.name = fop.name()->str();
  const int type = static_cast<int>(fop.type());
  if (type >= kNumOpTypes) {
    std::string who = "operator " + std::to_string(index);
    if (!op.name.empty()) who += " (\"" + op.name + "\")";
    return invalid_model(who + ": unknown operator type " + std::to_string(type));
  }
  op.type = static_cast<OpType>(type);
  if (fop.inputs()) op.inputs.assign(fop.inputs()->begin(), fop.inputs()->end());
  if (fop.outputs()) op.outputs.assign(fop.outputs()->begin(), fop.outputs()->end());
  Status status = read_options(fop, &op.options);
  if (!status.ok()) {
    return Status(status.code(), describe_operator(*graph, index) + ": " + status.message());
  }
  // Absent options mean the defaults, as the builder treats them.
  if (std::holds_alternative<std::monostate>(op.options)) op.options = default_options(op.type);
  return read_prepared(fop, index, segments, graph);
}

}  // namespace

Status parse_lbm(const uint8_t* file, size_t file_size, const LoadOptions& options,
                 GraphDesc* graph, uint32_t* format_version) {
  *graph = GraphDesc();
  if (file == nullptr) return Status(StatusCode::kInvalidArgument, "model data is null");
  if (file_size > options.max_model_bytes) {
    return Status(StatusCode::kResourceExhausted,
                  "model file has " + std::to_string(file_size) +
                      " bytes, more than max_model_bytes (" +
                      std::to_string(options.max_model_bytes) + ")");
  }
  // Root offset plus identifier.
  if (file_size < 8) {
    return invalid_model("file is truncated: " + std::to_string(file_size) +
                         " bytes cannot hold a model");
  }
  if (!flatbuffers::BufferHasIdentifier(file, kLbmFileIdentifier)) {
    return invalid_model("wrong file identifier \"" + printable_identifier(file + 4) +
                         "\" (expected \"" + kLbmFileIdentifier + "\"): not a lowbit model");
  }
  // Named here because the Verifier would only say "corrupt": the root table
  // must start after the 8-byte header and inside the file.
  const uint32_t root = flatbuffers::ReadScalar<uint32_t>(file);
  if (root < 8 || root >= file_size) {
    return invalid_model("root table offset " + std::to_string(root) + " lies outside the " +
                         std::to_string(file_size) + "-byte file (corrupt header)");
  }
  // The FlatBuffer itself is below 2 GiB; data segments may extend the file past it.
  const size_t verify_size =
      std::min<size_t>(file_size, static_cast<size_t>(FLATBUFFERS_MAX_BUFFER_SIZE) - 1);
  flatbuffers::Verifier verifier(file, verify_size);
  if (!verifier.VerifyBuffer<fb::Model>(kLbmFileIdentifier)) {
    return invalid_model("FlatBuffers verification failed: the file is truncated or corrupt");
  }
  const fb::Model& model = *fb::GetModel(file);
  *format_version = model.format_version();
  if (model.format_version() > kLbmFormatVersion) {
    return Status(StatusCode::kUnsupported,
                  "format_version " + std::to_string(model.format_version()) +
                      " is newer than this reader supports (" +
                      std::to_string(kLbmFormatVersion) + ")");
  }
  if (model.format_version() == 0) return invalid_model("format_version 0 is not valid");

  std::vector<Segment> segments;
  LOWBIT_RETURN_IF_ERROR(read_buffers(model, file, file_size, &segments));

  if (model.description()) graph->description = model.description()->str();
  if (const auto* tensors = model.tensors()) {
    if (tensors->size() > static_cast<flatbuffers::uoffset_t>(INT32_MAX)) {
      return invalid_model("too many tensors");
    }
    graph->tensors.reserve(tensors->size());
    for (flatbuffers::uoffset_t i = 0; i < tensors->size(); ++i) {
      LOWBIT_RETURN_IF_ERROR(
          read_tensor(*tensors->Get(i), static_cast<int>(i), file, segments, options, graph));
    }
  }
  if (const auto* operators = model.operators()) {
    graph->operators.reserve(operators->size());
    for (flatbuffers::uoffset_t i = 0; i < operators->size(); ++i) {
      LOWBIT_RETURN_IF_ERROR(read_operator(*operators->Get(i), static_cast<int>(i), segments, graph));
    }
  }
  if (model.inputs()) graph->inputs.assign(model.inputs()->begin(), model.inputs()->end());
  if (model.outputs()) graph->outputs.assign(model.outputs()->begin(), model.outputs()->end());
  return Status::Ok();
}

}  // namespace lowbit
