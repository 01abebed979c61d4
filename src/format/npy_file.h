// NumPy .npy files for the tools and the quantizer: the header (dtype, shape) read and checked
// on its own, so a folder of samples can be validated before anything runs,
// then the data. Little-endian, C order, and the dtypes the tools use only;
// everything else is refused with the file's name and the reason.
// Header-only (lowbit-eval and lowbit-quantize read samples through it; it is
// not part of the runtime library).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace tools {

struct NpyHeader {
  std::string descr;           // as written: "<f4", "|i1", ...
  char kind = 0;               // 'f' float, 'i' signed, 'u' unsigned integer
  int item_bytes = 0;
  std::vector<int64_t> shape;  // () for a scalar
  size_t data_offset = 0;      // where the values start in the file

  int64_t count() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
  std::string shape_text() const {
    std::string text = "(";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + (shape.size() == 1 ? ",)" : ")");
  }
};

namespace npy_detail {

inline Status bad(const std::string& path, const std::string& why) {
  return Status(StatusCode::kInvalidArgument, path + ": not a usable .npy file: " + why);
}

// The text after "'key':" in the header dictionary, or npos.
inline size_t value_start(const std::string& header, const std::string& key) {
  const size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) return at;
  const size_t colon = header.find(':', at);
  if (colon == std::string::npos) return colon;
  return header.find_first_not_of(' ', colon + 1);
}

inline bool parse_descr(const std::string& descr, NpyHeader* h) {
  if (descr.size() < 3) return false;
  const char order = descr[0];
  h->kind = descr[1];
  const std::string size = descr.substr(2);
  if (size != "1" && size != "2" && size != "4" && size != "8") return false;
  h->item_bytes = size[0] - '0';
  if (h->kind != 'f' && h->kind != 'i' && h->kind != 'u') return false;
  if (h->kind == 'f' && h->item_bytes != 4) return false;
  // One-byte types carry no byte order ('|'); wider ones must be little-endian.
  return h->item_bytes == 1 ? (order == '|' || order == '<' || order == '=') : order == '<';
}

inline bool parse_shape(const std::string& header, size_t start, std::vector<int64_t>* shape) {
  if (start == std::string::npos || header[start] != '(') return false;
  const size_t end = header.find(')', start);
  if (end == std::string::npos) return false;
  size_t i = start + 1;
  while (i < end) {
    while (i < end && (header[i] == ' ' || header[i] == ',')) ++i;
    if (i == end) break;
    int64_t value = 0;
    size_t digits = 0;
    while (i < end && header[i] >= '0' && header[i] <= '9') {
      if (value > (int64_t(1) << 40)) return false;
      value = value * 10 + (header[i++] - '0');
      ++digits;
    }
    if (digits == 0) return false;
    shape->push_back(value);
  }
  return true;
}

}  // namespace npy_detail

// Reads and checks the header; the file must hold exactly the values it
// announces.
inline Status read_npy_header(const std::string& path, NpyHeader* out) {
  using npy_detail::bad;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kIoError, "cannot open " + path);
  unsigned char preamble[10] = {};
  in.read(reinterpret_cast<char*>(preamble), sizeof preamble);
  if (!in || std::string(reinterpret_cast<char*>(preamble), 6) != "\x93NUMPY") {
    return bad(path, "no \\x93NUMPY magic at the start");
  }
  const int major = preamble[6];
  if (major < 1 || major > 3) return bad(path, "format version " + std::to_string(major));
  size_t header_bytes = preamble[8] | (size_t(preamble[9]) << 8);
  size_t offset = 10;
  if (major >= 2) {  // four-byte header length
    unsigned char high[2] = {};
    in.read(reinterpret_cast<char*>(high), 2);
    header_bytes |= (size_t(high[0]) << 16) | (size_t(high[1]) << 24);
    offset = 12;
  }
  if (!in || header_bytes > (size_t(1) << 20)) return bad(path, "truncated or oversized header");
  std::string header(header_bytes, '\0');
  in.read(&header[0], static_cast<std::streamsize>(header_bytes));
  if (!in) return bad(path, "truncated header");

  NpyHeader h;
  const size_t descr_at = npy_detail::value_start(header, "descr");
  if (descr_at == std::string::npos || header[descr_at] != '\'') return bad(path, "no 'descr'");
  const size_t descr_end = header.find('\'', descr_at + 1);
  if (descr_end == std::string::npos) return bad(path, "unterminated 'descr'");
  h.descr = header.substr(descr_at + 1, descr_end - descr_at - 1);
  if (!npy_detail::parse_descr(h.descr, &h)) {
    return bad(path, "dtype '" + h.descr +
                         "' (supported: little-endian float32, int8/16/32/64, uint8/16/32/64)");
  }
  const size_t fortran_at = npy_detail::value_start(header, "fortran_order");
  if (fortran_at == std::string::npos) return bad(path, "no 'fortran_order'");
  if (header.compare(fortran_at, 4, "True") == 0) {
    return bad(path, "Fortran order (save a C-ordered array: np.ascontiguousarray)");
  }
  if (!npy_detail::parse_shape(header, npy_detail::value_start(header, "shape"), &h.shape)) {
    return bad(path, "unreadable 'shape'");
  }
  h.data_offset = offset + header_bytes;

  in.seekg(0, std::ios::end);
  const auto file_bytes = static_cast<int64_t>(in.tellg());
  const int64_t expected = int64_t(h.data_offset) + h.count() * h.item_bytes;
  if (file_bytes != expected) {
    return bad(path, "shape " + h.shape_text() + " of " + h.descr + " needs " +
                         std::to_string(expected - int64_t(h.data_offset)) +
                         " bytes of data, the file has " +
                         std::to_string(file_bytes - int64_t(h.data_offset)));
  }
  *out = std::move(h);
  return Status::Ok();
}

// Reads `count` values starting at value `first` (raw little-endian bytes).
inline Status read_npy_values(const std::string& path, const NpyHeader& h, int64_t first,
                              int64_t count, std::vector<uint8_t>* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kIoError, "cannot open " + path);
  bytes->resize(size_t(count) * size_t(h.item_bytes));
  in.seekg(static_cast<std::streamoff>(h.data_offset + size_t(first) * size_t(h.item_bytes)));
  in.read(reinterpret_cast<char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
  if (!in) return Status(StatusCode::kIoError, "cannot read " + path);
  return Status::Ok();
}

// An integer array's values widened to int64 (labels and the like).
inline Status read_npy_integers(const std::string& path, std::vector<int64_t>* values) {
  NpyHeader h;
  LOWBIT_RETURN_IF_ERROR(read_npy_header(path, &h));
  if (h.kind == 'f') {
    return npy_detail::bad(path, "dtype '" + h.descr + "' where integers were expected");
  }
  std::vector<uint8_t> bytes;
  LOWBIT_RETURN_IF_ERROR(read_npy_values(path, h, 0, h.count(), &bytes));
  values->resize(size_t(h.count()));
  for (size_t i = 0; i < values->size(); ++i) {
    uint64_t raw = 0;
    for (int b = 0; b < h.item_bytes; ++b) raw |= uint64_t(bytes[i * h.item_bytes + b]) << (8 * b);
    const int bits = 8 * h.item_bytes;
    if (h.kind == 'i' && bits < 64 && (raw >> (bits - 1)) & 1) raw |= ~uint64_t(0) << bits;
    (*values)[i] = static_cast<int64_t>(raw);
  }
  return Status::Ok();
}

}  // namespace tools
}  // namespace lowbit
