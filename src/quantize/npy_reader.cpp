#include "quantize/npy_reader.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace lowbit {
namespace quantize {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;

Status bad(const std::string& what, const std::string& why) {
  return Status(StatusCode::kInvalidArgument, what + ": not a float32 .npy array: " + why);
}

// The value text after "'key':" in the header dict, up to the next top-level
// comma or the closing brace (tuples are kept whole).
bool dict_value(const std::string& header, const std::string& key, std::string* value) {
  const std::string quoted[] = {"'" + key + "'", "\"" + key + "\""};
  size_t pos = std::string::npos;
  for (const std::string& q : quoted) {
    pos = header.find(q);
    if (pos != std::string::npos) {
      pos += q.size();
      break;
    }
  }
  if (pos == std::string::npos) return false;
  pos = header.find(':', pos);
  if (pos == std::string::npos) return false;
  ++pos;
  int depth = 0;
  size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  if (depth != 0 || end == header.size()) return false;
  std::string text = header.substr(pos, end - pos);
  const size_t first = text.find_first_not_of(" \t");
  const size_t last = text.find_last_not_of(" \t");
  *value = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  return true;
}

bool parse_shape(const std::string& text, std::vector<int64_t>* shape) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') return false;
  shape->clear();
  size_t pos = 1;
  while (pos < text.size() - 1) {
    while (pos < text.size() - 1 && (text[pos] == ' ' || text[pos] == ',')) ++pos;
    if (pos >= text.size() - 1) break;
    int64_t dim = 0;
    size_t digits = 0;
    while (pos < text.size() - 1 && text[pos] >= '0' && text[pos] <= '9') {
      if (dim > (int64_t{1} << 40)) return false;
      dim = dim * 10 + (text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0) return false;
    shape->push_back(dim);
  }
  return true;
}

bool host_is_little_endian() {
  const uint16_t one = 1;
  uint8_t first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

}  // namespace

Result<NpyArray> parse_npy(const uint8_t* data, size_t size, const std::string& what) {
  if (size < kMagicBytes + 4 || std::memcmp(data, kMagic, kMagicBytes) != 0) {
    return bad(what, "missing the \\x93NUMPY magic");
  }
  const int major = data[6];
  size_t header_len = 0;
  size_t offset = 0;
  if (major == 1) {
    header_len = data[8] | (size_t{data[9]} << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) return bad(what, "truncated header");
    header_len = data[8] | (size_t{data[9]} << 8) | (size_t{data[10]} << 16) |
                 (size_t{data[11]} << 24);
    offset = 12;
  } else {
    return bad(what, "format version " + std::to_string(major) + " (known: 1, 2, 3)");
  }
  if (header_len > size - offset) return bad(what, "truncated header");
  const std::string header(reinterpret_cast<const char*>(data + offset), header_len);
  std::string descr, fortran, shape_text;
  if (!dict_value(header, "descr", &descr) || !dict_value(header, "fortran_order", &fortran) ||
      !dict_value(header, "shape", &shape_text)) {
    return bad(what, "header lacks descr, fortran_order or shape: " + header);
  }
  if (descr != "'<f4'" && descr != "\"<f4\"") {
    return bad(what, "dtype " + descr + ", expected '<f4' (float32, little-endian)");
  }
  if (fortran != "False") return bad(what, "Fortran order; save it in C order");
  NpyArray array;
  if (!parse_shape(shape_text, &array.shape)) return bad(what, "malformed shape " + shape_text);
  size_t count = 1;
  for (int64_t d : array.shape) {
    if (d != 0 && count > (size_t{1} << 40) / static_cast<size_t>(d)) {
      return bad(what, "shape " + shape_text + " too large");
    }
    count *= static_cast<size_t>(d);
  }
  const size_t data_start = offset + header_len;
  const size_t data_bytes = size - data_start;
  if (data_bytes != count * sizeof(float)) {
    return bad(what, "shape " + shape_text + " needs " + std::to_string(count * sizeof(float)) +
                         " data bytes, the file has " + std::to_string(data_bytes));
  }
  array.values.resize(count);
  if (count > 0) std::memcpy(array.values.data(), data + data_start, data_bytes);
  if (!host_is_little_endian()) {
    for (float& v : array.values) {
      uint8_t b[4];
      std::memcpy(b, &v, 4);
      std::swap(b[0], b[3]);
      std::swap(b[1], b[2]);
      std::memcpy(&v, b, 4);
    }
  }
  return array;
}

Result<NpyArray> read_npy_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status(StatusCode::kIoError, path + ": cannot open");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                   std::istreambuf_iterator<char>());
  return parse_npy(bytes.data(), bytes.size(), path);
}

std::vector<uint8_t> write_npy(const std::vector<int64_t>& shape,
                               const std::vector<float>& values) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 1);  // "(2, 3)" but "(2,)"
  if (shape.size() > 1) dims.pop_back();
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Data starts on a 64-byte boundary, the header ends with a newline.
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<uint8_t> out(kMagic, kMagic + kMagicBytes);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  const auto* raw = reinterpret_cast<const uint8_t*>(values.data());
  out.insert(out.end(), raw, raw + values.size() * sizeof(float));
  return out;
}

}  // namespace quantize
}  // namespace lowbit
