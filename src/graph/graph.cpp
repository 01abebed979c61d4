#include "lowbit/graph.h"

#include <cstdint>
#include <limits>

#include "lowbit/status.h"
#include "lowbit/types.h"

namespace lowbit {

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kInvalidModel: return "invalid model";
    case StatusCode::kUnsupported: return "unsupported";
    case StatusCode::kResourceExhausted: return "resource exhausted";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kFailedPrecondition: return "failed precondition";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(status_code_name(code_)) + ": " + message_;
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: return "float32";
    case DType::kInt8: return "int8";
    case DType::kUInt8: return "uint8";
    case DType::kInt32: return "int32";
    case DType::kBit: return "bit";
    case DType::kInt64: return "int64";
    case DType::kBool: return "bool";
    case DType::kInt16: return "int16";
    case DType::kFloat16: return "float16";
    case DType::kInt4: return "int4";
  }
  return "unknown";
}

Shape::Shape(std::initializer_list<int32_t> d) {
  rank = 0;
  for (int32_t v : d) {
    if (rank == kMaxRank) break;
    dims[rank++] = v;
  }
}

Shape Shape::from_vector(const std::vector<int32_t>& d) {
  Shape s;
  for (int32_t v : d) {
    if (s.rank == kMaxRank) break;
    s.dims[s.rank++] = v;
  }
  return s;
}

int64_t Shape::num_elements() const {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= dims[i];
  return n;
}

std::string Shape::to_string() const {
  std::string s = "[";
  for (int i = 0; i < rank; ++i) {
    if (i) s += ",";
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

bool Shape::operator==(const Shape& other) const {
  if (rank != other.rank) return false;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] != other.dims[i]) return false;
  }
  return true;
}

bool storage_bytes(DType dtype, const Shape& shape, size_t* bytes) {
  if (shape.rank < 0 || shape.rank > kMaxRank) return false;
  uint64_t n = 1;
  const uint64_t limit = uint64_t{1} << 62;
  for (int i = 0; i < shape.rank; ++i) {
    int64_t d = shape.dims[i];
    if (d < 0) return false;
    if (dtype == DType::kBit && i == shape.rank - 1) d = bit_words(static_cast<int32_t>(d));
    if (d != 0 && n > limit / static_cast<uint64_t>(d)) return false;
    n *= static_cast<uint64_t>(d);
  }
  uint64_t elem = 1;
  switch (dtype) {
    case DType::kFloat32:
    case DType::kInt32:
    case DType::kBit:  // counted in 32-bit words above
      elem = 4;
      break;
    case DType::kInt64:
      elem = 8;
      break;
    case DType::kInt16:
    case DType::kFloat16:
      elem = 2;
      break;
    case DType::kInt8:
    case DType::kUInt8:
    case DType::kBool:
      elem = 1;
      break;
    case DType::kInt4: {
      const uint64_t packed = n / 2 + n % 2;
      if (packed > std::numeric_limits<size_t>::max()) return false;
      *bytes = static_cast<size_t>(packed);
      return true;
    }
  }
  if (dtype == DType::kBit && shape.rank == 0) n = 1;  // one word holds a scalar
  if (n > limit / elem) return false;
  const uint64_t total = n * elem;
  if (total > std::numeric_limits<size_t>::max()) return false;
  *bytes = static_cast<size_t>(total);
  return true;
}

std::string describe_operator(const GraphDesc& graph, int op_index) {
  std::string s = "operator " + std::to_string(op_index);
  if (op_index < 0 || static_cast<size_t>(op_index) >= graph.operators.size()) return s;
  const OperatorDesc& op = graph.operators[op_index];
  s += " (";
  s += op_type_name(op.type);
  if (!op.name.empty()) s += " \"" + op.name + "\"";
  return s + ")";
}

std::string describe_tensor(const GraphDesc& graph, int tensor_index) {
  std::string s = "tensor " + std::to_string(tensor_index);
  if (tensor_index < 0 || static_cast<size_t>(tensor_index) >= graph.tensors.size()) return s;
  const TensorDesc& t = graph.tensors[tensor_index];
  if (!t.name.empty()) s += " \"" + t.name + "\"";
  return s;
}

}  // namespace lowbit
