#include "convert/importer.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

namespace lowbit {
namespace convert {
namespace {

Result<DType> lowbit_dtype(int8_t type) {
  switch (type) {
    case tfl::kFloat32: return DType::kFloat32;
    case tfl::kInt8: return DType::kInt8;
    case tfl::kUInt8: return DType::kUInt8;
    case tfl::kInt32: return DType::kInt32;
    case tfl::kInt64: return DType::kInt64;
    case tfl::kBool: return DType::kBool;
    case tfl::kInt16: return DType::kInt16;
    case tfl::kFloat16: return DType::kFloat16;
    case tfl::kInt4: return DType::kInt4;
    default:
      return unsupported(std::string("element type ") + tfl::tensor_type_name(type) +
                         " is not supported (FLOAT32, FLOAT16, INT8, UINT8, INT16, INT32, INT64 "
                         "and BOOL are)");
  }
}

std::vector<int> to_indices(const tfl::Vec<int32_t>* v) {
  std::vector<int> out;
  if (v != nullptr) out.assign(v->begin(), v->end());
  return out;
}

struct Failure {
  int op_index;
  std::string kind;
  Status status;
  bool kind_unsupported = false;  // no converter for this operator kind
};

// "unsupported operators: RESIZE_BILINEAR (x3), ARG_MAX (x1)", most frequent
// first (then in order of appearance); "" when every kind has a converter.
std::string unsupported_kinds_line(const std::vector<Failure>& failures) {
  std::vector<std::pair<std::string, int>> counts;
  for (const Failure& f : failures) {
    if (!f.kind_unsupported) continue;
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& entry) { return entry.first == f.kind; });
    if (it == counts.end()) {
      counts.emplace_back(f.kind, 1);
    } else {
      it->second++;
    }
  }
  if (counts.empty()) return "";
  std::stable_sort(counts.begin(), counts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string line = "unsupported operators:";
  for (size_t i = 0; i < counts.size(); ++i) {
    line += (i == 0 ? " " : ", ") + counts[i].first + " (x" + std::to_string(counts[i].second) + ")";
  }
  return line;
}

}  // namespace

Importer::Importer(const uint8_t* data, size_t size, const tfl::Model* model,
                   ModelBuilder* builder, ConversionSummary* summary)
    : data_(data), size_(size), model_(model), builder_(builder), summary_(summary) {}

Status Importer::check_index(int index) const {
  if (index < 0 || index >= num_tensors()) {
    return invalid("tensor index " + std::to_string(index) + " is out of range (subgraph has " +
                   std::to_string(num_tensors()) + " tensors)");
  }
  return Status::Ok();
}

std::string Importer::tensor_label(int index) const {
  std::string label = "tensor " + std::to_string(index);
  if (index >= 0 && index < num_tensors() && tfl_tensor(index)->name() != nullptr) {
    label += " (\"" + tfl_tensor(index)->name()->str() + "\")";
  }
  return label;
}

Result<Shape> Importer::tfl_shape(int index) const {
  LOWBIT_RETURN_IF_ERROR(check_index(index));
  const tfl::Vec<int32_t>* dims = tfl_tensor(index)->shape();
  const int rank = dims == nullptr ? 0 : static_cast<int>(dims->size());
  if (rank > kMaxRank) {
    return unsupported(tensor_label(index) + " has rank " + std::to_string(rank) +
                       "; at most " + std::to_string(kMaxRank) + " is supported");
  }
  Shape shape;
  shape.rank = rank;
  for (int d = 0; d < rank; ++d) {
    shape.dims[d] = dims->Get(d);
    if (shape.dims[d] < 0) {
      return unsupported(tensor_label(index) + " has a dynamic or negative dimension in shape " +
                         shape.to_string());
    }
  }
  // Bounding the element count once here lets every later size and MAC
  // computation use Shape::num_elements() without overflow checks.
  constexpr int64_t kMaxElements = int64_t(1) << 40;
  int64_t elements = 1;
  for (int d = 0; d < rank; ++d) {
    if (shape.dims[d] != 0 && elements > kMaxElements / shape.dims[d]) {
      return invalid(tensor_label(index) + " has shape " + shape.to_string() +
                     " with too many elements");
    }
    elements *= shape.dims[d];
  }
  return shape;
}

Result<Shape> Importer::shape(int index) const {
  Result<Shape> shape = tfl_shape(index);
  if (!shape.ok() || bit_channels_[index] == 0) return shape;
  Shape& s = shape.value();
  const int channels = bit_channels_[index];
  if (s.rank == 0 || s.dims[s.rank - 1] != bit_words(channels)) {
    return invalid(tensor_label(index) + " is bitpacked with " + std::to_string(channels) +
                   " channels, so its last dimension must be " +
                   std::to_string(bit_words(channels)) + " int32 words; shape is " + s.to_string());
  }
  s.dims[s.rank - 1] = channels;
  return shape;
}

void Importer::set_folded_constant(int index, std::vector<uint8_t> bytes) {
  folded_[index] = std::move(bytes);
}

const uint8_t* Importer::constant_data(int index, size_t* bytes) const {
  *bytes = 0;
  if (check_index(index).ok() == false) return nullptr;
  auto folded = folded_.find(index);
  if (folded != folded_.end()) {
    *bytes = folded->second.size();
    // A folded empty tensor still counts as constant: any non-null pointer.
    return folded->second.empty() ? reinterpret_cast<const uint8_t*>(&folded->second)
                                  : folded->second.data();
  }
  const uint32_t b = tfl_tensor(index)->buffer();
  const auto* buffers = model_->buffers();
  if (b == 0 || buffers == nullptr || b >= buffers->size()) return nullptr;
  const tfl::Buffer* buffer = buffers->Get(b);
  if (buffer->data() != nullptr && buffer->data()->size() > 0) {
    *bytes = buffer->data()->size();
    return buffer->data()->data();
  }
  // Files over 2 GiB store data after the FlatBuffer (offset 1 = unused marker).
  if (buffer->offset() > 1 && buffer->size() > 0 && buffer->offset() <= size_ &&
      buffer->size() <= size_ - buffer->offset()) {
    *bytes = static_cast<size_t>(buffer->size());
    return data_ + buffer->offset();
  }
  return nullptr;
}

Result<std::vector<int32_t>> Importer::constant_ints(int index) const {
  LOWBIT_RETURN_IF_ERROR(check_index(index));
  size_t bytes = 0;
  const uint8_t* data = constant_data(index, &bytes);
  const int8_t type = tfl_type(index);
  if (data == nullptr && bytes == 0) {
    Result<Shape> shape = tfl_shape(index);
    if (shape.ok() && shape->num_elements() == 0) return std::vector<int32_t>();
    return unsupported(tensor_label(index) + " must be a constant (it is computed at run time)");
  }
  std::vector<int32_t> values;
  if (type == tfl::kInt32) {
    values.resize(bytes / 4);
    if (!values.empty()) std::memcpy(values.data(), data, values.size() * 4);
  } else if (type == tfl::kInt64) {
    values.resize(bytes / 8);
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t v;
      std::memcpy(&v, data + 8 * i, 8);
      if (v < INT32_MIN || v > INT32_MAX) {
        return unsupported(tensor_label(index) + " holds " + std::to_string(v) +
                           ", outside the int32 range");
      }
      values[i] = static_cast<int32_t>(v);
    }
  } else {
    return invalid(tensor_label(index) + " must be INT32 or INT64, not " +
                   tfl::tensor_type_name(type));
  }
  Result<Shape> shape = tfl_shape(index);
  if (!shape.ok()) return shape.status();
  if (static_cast<int64_t>(values.size()) != shape->num_elements()) {
    return invalid(tensor_label(index) + " has " + std::to_string(bytes) +
                   " bytes of data for shape " + shape->to_string());
  }
  return values;
}

Result<Quantization> Importer::quantization(int index, DType dtype, const Shape& shape) const {
  Quantization q;
  const tfl::QuantizationParameters* params = tfl_tensor(index)->quantization();
  // Float tensors may carry calibration ranges; they mean nothing at run time.
  if (params == nullptr || dtype == DType::kFloat32 || dtype == DType::kBit) return q;
  if (params->details_type() != 0) {
    return unsupported(tensor_label(index) + " uses custom quantization details");
  }
  const auto* scales = params->scale();
  const auto* zero_points = params->zero_point();
  if (scales == nullptr || scales->size() == 0) return q;
  q.scales.assign(scales->begin(), scales->end());
  const size_t n = q.scales.size();
  if (zero_points == nullptr || zero_points->size() == 0) {
    q.zero_points.assign(n, 0);
  } else if (zero_points->size() != n) {
    return invalid(tensor_label(index) + " has " + std::to_string(n) + " scales but " +
                   std::to_string(zero_points->size()) + " zero points");
  } else {
    for (size_t i = 0; i < n; ++i) {
      const int64_t zp = tfl::read_int64(zero_points, i);
      if (zp < INT32_MIN || zp > INT32_MAX) {
        return invalid(tensor_label(index) + ": zero point " + std::to_string(zp) +
                       " does not fit in int32");
      }
      q.zero_points.push_back(static_cast<int32_t>(zp));
    }
  }
  q.axis = n > 1 ? params->quantized_dimension() : 0;
  if (n > 1 && (q.axis < 0 || q.axis >= shape.rank || shape.dims[q.axis] != static_cast<int>(n))) {
    // Some converters copy the filter's quantized_dimension onto the 1-D bias:
    // the one dimension with n entries is the only reading that makes sense.
    int matching = -1, matches = 0;
    for (int d = 0; d < shape.rank; ++d) {
      if (shape.dims[d] == static_cast<int>(n)) {
        matching = d;
        ++matches;
      }
    }
    if (matches != 1) {
      return invalid(tensor_label(index) + " has " + std::to_string(n) +
                     " scales along quantized_dimension " + std::to_string(q.axis) +
                     ", which does not fit shape " + shape.to_string());
    }
    q.axis = matching;
  }
  return q;
}

Result<int> Importer::optional_tensor(int index) {
  if (index < 0) return kAbsentInput;
  return tensor(index);
}

Result<int> Importer::tensor(int index, const Shape* unshaped_as) {
  LOWBIT_RETURN_IF_ERROR(check_index(index));
  if (lowbit_index_[index] >= 0) return lowbit_index_[index];
  const tfl::Tensor* t = tfl_tensor(index);
  if (t->has_sparsity()) return unsupported(tensor_label(index) + " is sparse");

  const bool is_bit = bit_channels_[index] > 0;
  DType dtype = DType::kBit;
  if (is_bit) {
    if (t->type() != tfl::kInt32) {
      return invalid(tensor_label(index) + " is used as a bitpacked tensor but has type " +
                     tfl::tensor_type_name(t->type()) + " instead of INT32");
    }
  } else if (t->type() == tfl::kInt4 && !int4_accepted_[index]) {
    return unsupported(tensor_label(index) +
                       " is INT4, which is supported only as the constant weights of CONV_2D "
                       "and FULLY_CONNECTED with INT8 input");
  } else {
    Result<DType> mapped = lowbit_dtype(t->type());
    if (!mapped.ok()) return Status(mapped.status().code(), tensor_label(index) + ": " + mapped.status().message());
    dtype = mapped.value();
  }
  Result<Shape> shape_result = shape(index);
  if (!shape_result.ok()) return shape_result.status();
  if (unshaped_as != nullptr && shape_result->rank == 0) shape_result = *unshaped_as;
  const Shape& s = shape_result.value();
  Result<Quantization> quant = quantization(index, dtype, s);
  if (!quant.ok()) return quant.status();
  std::string name = t->name() != nullptr ? t->name()->str() : "tensor_" + std::to_string(index);

  size_t bytes = 0;
  // TFLite ignores a variable tensor's buffer: it resets state to the zero point.
  const uint8_t* data = t->is_variable() ? nullptr : constant_data(index, &bytes);
  int created;
  if (t->is_variable()) {
    created = builder_->add_variable(std::move(name), dtype, s, quant.value());
  } else if (data != nullptr) {
    size_t expected = 0;
    if (!storage_bytes(dtype, s, &expected) || expected != bytes) {
      return invalid(tensor_label(index) + " has " + std::to_string(bytes) +
                     " bytes of constant data but " + dtype_name(dtype) + s.to_string() +
                     " needs " + std::to_string(expected));
    }
    created = builder_->add_constant(std::move(name), dtype, s, data, bytes, quant.value());
    summary_->constant_tensors++;
    summary_->weight_bytes_after += bytes;
  } else {
    created = builder_->add_tensor(std::move(name), dtype, s, quant.value());
  }
  lowbit_index_[index] = created;
  return created;
}

Status Importer::define_float_constant(int index, const std::vector<float>& values) {
  LOWBIT_RETURN_IF_ERROR(check_index(index));
  if (lowbit_index_[index] >= 0) {
    return invalid(tensor_label(index) + " is produced twice");
  }
  Result<Shape> s = tfl_shape(index);
  if (!s.ok()) return s.status();
  const tfl::Tensor* t = tfl_tensor(index);
  std::string name = t->name() != nullptr ? t->name()->str() : "tensor_" + std::to_string(index);
  lowbit_index_[index] =
      builder_->add_constant(std::move(name), DType::kFloat32, s.value(), values);
  summary_->constant_tensors++;
  summary_->weight_bytes_after += values.size() * sizeof(float);
  return Status::Ok();
}

int Importer::add_extra_tensor(std::string name, DType dtype, const Shape& shape,
                               Quantization quant) {
  return builder_->add_tensor(std::move(name), dtype, shape, std::move(quant));
}

const TensorDesc& Importer::lowbit_tensor(int lowbit_index) const {
  return builder_->graph().tensors[lowbit_index];
}

void Importer::add_operator(const OpContext& ctx, OpType type, std::vector<int> inputs,
                            std::vector<int> outputs, OpOptions options) {
  // TFLite operators have no names; their first output's name says what they are.
  std::string name;
  if (!ctx.outputs.empty() && ctx.outputs[0] >= 0 && ctx.outputs[0] < num_tensors() &&
      tfl_tensor(ctx.outputs[0])->name() != nullptr) {
    name = tfl_tensor(ctx.outputs[0])->name()->str();
  }
  builder_->add_operator(type, std::move(inputs), std::move(outputs), std::move(options),
                         std::move(name));
  summary_->operators_by_kind[op_type_name(type)]++;
}

void Importer::count_macs(DType dtype, uint64_t macs) {
  switch (dtype) {
    case DType::kBit: summary_->binary_macs += macs; break;
    case DType::kFloat32: summary_->float_macs += macs; break;
    default: summary_->int8_macs += macs; break;
  }
}

void Importer::sum_source_weights() {
  std::set<uint32_t> seen;
  for (int i = 0; i < num_tensors(); ++i) {
    size_t bytes = 0;
    if (constant_data(i, &bytes) != nullptr && seen.insert(tfl_tensor(i)->buffer()).second) {
      summary_->weight_bytes_before += bytes;
    }
  }
}

Status Importer::unsupported_operator(const OpContext& ctx) {
  kind_unsupported_[ctx.index] = true;
  if (ctx.code == tfl::kCustom) {
    return unsupported("custom operator \"" + ctx.kind + "\" is not supported");
  }
  return unsupported("builtin operator " + ctx.kind + " (code " + std::to_string(ctx.code) +
                     ") is not supported");
}

std::vector<int> Importer::graph_outputs() const { return to_indices(subgraph_->outputs()); }

Status Importer::start() {
  const auto* subgraphs = model_->subgraphs();
  if (subgraphs == nullptr || subgraphs->size() == 0) return invalid("the model has no subgraph");
  if (subgraphs->size() > 1) {
    return unsupported("the model has " + std::to_string(subgraphs->size()) +
                       " subgraphs; only single-subgraph models (no control flow) are supported");
  }
  subgraph_ = subgraphs->Get(0);
  tensors_ = subgraph_->tensors();
  if (tensors_ == nullptr) return invalid("subgraph 0 has no tensor list");
  lowbit_index_.assign(num_tensors(), -1);
  bit_channels_.assign(num_tensors(), 0);
  int4_accepted_.assign(num_tensors(), false);
  return Status::Ok();
}

Importer Importer::fork(ModelBuilder* builder, ConversionSummary* summary) const {
  Importer copy(*this);
  copy.builder_ = builder;
  copy.summary_ = summary;
  copy.lowbit_index_.assign(num_tensors(), -1);
  return copy;
}

Status Importer::run() {
  LOWBIT_RETURN_IF_ERROR(start());
  std::string description = "converted from TFLite";
  if (model_->description() != nullptr && model_->description()->size() > 0) {
    description += " (" + model_->description()->str() + ")";
  }
  builder_->set_description(description);
  sum_source_weights();

  std::vector<Failure> failures;
  const auto* codes = model_->operator_codes();
  const auto* operators = subgraph_->operators();
  const int num_ops = operators == nullptr ? 0 : static_cast<int>(operators->size());
  std::vector<OpContext> ops(num_ops);
  kind_unsupported_.assign(num_ops, false);
  std::vector<std::string> custom_codes(num_ops);
  std::vector<int32_t> builtin_codes(num_ops, -1);
  for (int k = 0; k < num_ops; ++k) {
    OpContext& ctx = ops[k];
    ctx.index = k;
    ctx.op = operators->Get(k);
    ctx.inputs = to_indices(ctx.op->inputs());
    ctx.outputs = to_indices(ctx.op->outputs());
    const uint32_t code_index = ctx.op->opcode_index();
    if (codes == nullptr || code_index >= codes->size()) {
      ctx.kind = "?";
      failures.push_back({k, ctx.kind, invalid("opcode_index " + std::to_string(code_index) +
                                               " is out of range")});
      continue;
    }
    const tfl::OperatorCode* code = codes->Get(code_index);
    builtin_codes[k] = code->code();
    ctx.code = builtin_codes[k];
    if (builtin_codes[k] == tfl::kCustom) {
      custom_codes[k] = code->custom_code() != nullptr ? code->custom_code()->str() : "";
      ctx.kind = custom_codes[k].empty() ? "CUSTOM" : custom_codes[k];
    } else {
      ctx.kind = tfl::builtin_operator_name(builtin_codes[k]);
    }
  }
  infer_bit_tensors(*this, ops, custom_codes);
  std::vector<bool> folded;
  fold_constant_operators(*this, ops, &folded);

  for (int k = 0; k < num_ops; ++k) {
    if (builtin_codes[k] < 0 || folded[k]) continue;  // already reported, or evaluated
    const OpContext& ctx = ops[k];
    Status status = builtin_codes[k] == tfl::kCustom ? convert_custom(*this, ctx, custom_codes[k])
                                                     : convert_builtin(*this, ctx, builtin_codes[k]);
    if (!status.ok()) failures.push_back({k, ctx.kind, status, kind_unsupported_[k]});
  }

  std::vector<int> inputs, outputs;
  for (int t : to_indices(subgraph_->inputs())) {
    Result<int> index = tensor(t);
    if (!index.ok()) {
      failures.push_back({-1, "graph input", index.status()});
      continue;
    }
    inputs.push_back(index.value());
  }
  for (int t : to_indices(subgraph_->outputs())) {
    Result<int> index = tensor(t);
    if (!index.ok()) {
      failures.push_back({-1, "graph output", index.status()});
      continue;
    }
    outputs.push_back(index.value());
  }
  builder_->set_inputs(inputs);
  builder_->set_outputs(outputs);
  summary_->tensors = static_cast<int>(builder_->graph().tensors.size());

  if (failures.empty()) return Status::Ok();
  bool all_unsupported = true;
  std::string message = unsupported_kinds_line(failures);
  if (!message.empty()) message += "\n";
  message += "cannot convert " + std::to_string(failures.size()) + " item(s) of " +
             std::to_string(num_ops) + " operators:";
  for (const Failure& f : failures) {
    all_unsupported = all_unsupported && f.status.code() == StatusCode::kUnsupported;
    message += "\n  ";
    if (f.op_index >= 0) message += "operator " + std::to_string(f.op_index) + " ";
    message += "(" + f.kind + "): " + f.status.message();
  }
  return Status(all_unsupported ? StatusCode::kUnsupported : StatusCode::kInvalidModel, message);
}

}  // namespace convert
}  // namespace lowbit
