#include "quantize/npy_reader.h"

#include <cstring>

#include "format/npy_file.h"

namespace lowbit {
namespace quantize {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;

}  // namespace

Result<NpyArray> read_npy_file(const std::string& path) {
  tools::NpyHeader header;
  LOWBIT_RETURN_IF_ERROR(tools::read_npy_header(path, &header));
  if (header.kind != 'f' || header.item_bytes != 4) {
    return Status(StatusCode::kInvalidArgument,
                  path + ": not a float32 .npy array: dtype '" + header.descr + "'");
  }
  std::vector<uint8_t> bytes;
  LOWBIT_RETURN_IF_ERROR(tools::read_npy_values(path, header, 0, header.count(), &bytes));
  NpyArray array;
  array.shape = header.shape;
  array.values.resize(size_t(header.count()));
  if (!bytes.empty()) std::memcpy(array.values.data(), bytes.data(), bytes.size());
  return array;
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
