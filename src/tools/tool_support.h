// Helpers shared by the command-line tools (lowbit-run, lowbit-inspect) and
// bench_model: flag parsing, raw tensor files, deterministic random inputs,
// value printing and plain-text tables. Header-only because every .cpp in
// src/tools becomes its own executable.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace tools {

// Matches "--name=value" or "--name value" at argv[*i]; advances *i past the
// value. A flag given without its value sets *missing.
inline bool take_flag(int argc, char** argv, int* i, const char* name, std::string* value,
                      bool* missing) {
  const std::string arg = argv[*i];
  const std::string flag = std::string("--") + name;
  if (arg == flag) {
    if (*i + 1 >= argc) {
      *missing = true;
      return true;
    }
    *value = argv[++*i];
    return true;
  }
  if (arg.compare(0, flag.size() + 1, flag + "=") == 0) {
    *value = arg.substr(flag.size() + 1);
    return true;
  }
  return false;
}

inline bool parse_int(const std::string& text, long min, long max, long* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

inline bool parse_bool(const std::string& text, bool* out) {
  if (text == "1" || text == "true" || text == "yes" || text.empty()) {
    *out = true;
  } else if (text == "0" || text == "false" || text == "no") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

inline Status read_file(const std::string& path, std::vector<uint8_t>* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kIoError, "cannot open " + path);
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return Status(StatusCode::kIoError, "cannot read " + path);
  return Status::Ok();
}

inline Status write_file(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) return Status(StatusCode::kIoError, "cannot write " + path);
  return Status::Ok();
}

// One line for stderr: "tool: path: message", without repeating the path
// when the loader's message already names the file.
inline void print_error(const char* tool, const std::string& path, const Status& status) {
  const std::string text = status.to_string();
  if (path.empty() || text.find(path) != std::string::npos) {
    std::fprintf(stderr, "%s: %s\n", tool, text.c_str());
  } else {
    std::fprintf(stderr, "%s: %s: %s\n", tool, path.c_str(), text.c_str());
  }
}

inline std::string tensor_summary(const TensorDesc& t) {
  std::string s = std::string(dtype_name(t.dtype)) + " " + t.shape.to_string();
  if (t.quant.empty()) return s;
  char buf[96];
  if (t.quant.per_axis()) {
    std::snprintf(buf, sizeof(buf), " per-axis(%zu, axis %d)", t.quant.scales.size(),
                  t.quant.axis);
  } else {
    std::snprintf(buf, sizeof(buf), " scale=%.6g zp=%d", t.quant.scales[0],
                  t.quant.zero_points.empty() ? 0 : t.quant.zero_points[0]);
  }
  return s + buf;
}

// Fills a tensor from the generator: uniform over the dtype's range, [-1, 1]
// for float, random words with zero pad bits for bit tensors. The mapping
// from generator words is our own so every standard library gives the same
// bytes for a seed.
inline void fill_random(const TensorView& t, std::mt19937& rng) {
  const int64_t count = t.shape().num_elements();
  switch (t.dtype()) {
    case DType::kFloat32: {
      float* p = t.as<float>();
      for (int64_t i = 0; i < count; ++i) {
        p[i] = static_cast<float>(rng() / 4294967295.0 * 2.0 - 1.0);
      }
      break;
    }
    case DType::kInt8:
    case DType::kUInt8: {
      uint8_t* p = t.as<uint8_t>();
      for (int64_t i = 0; i < count; ++i) p[i] = static_cast<uint8_t>(rng() >> 24);
      break;
    }
    case DType::kInt32: {
      uint32_t* p = t.as<uint32_t>();
      for (int64_t i = 0; i < count; ++i) p[i] = rng();
      break;
    }
    case DType::kBit: {
      const Shape& shape = t.shape();
      const int32_t channels = shape.rank > 0 ? shape[shape.rank - 1] : 1;
      const int32_t words = bit_words(channels);
      const int64_t rows = channels > 0 ? count / channels : 0;
      uint32_t* p = t.as<uint32_t>();
      for (int64_t r = 0; r < rows; ++r) {
        for (int32_t w = 0; w < words; ++w) {
          const int32_t valid = std::min(32, channels - 32 * w);
          const uint32_t mask = valid == 32 ? 0xffffffffu : ((1u << valid) - 1u);
          p[r * words + w] = rng() & mask;
        }
      }
      break;
    }
  }
}

// Value of element i as a double: raw integer, float, or +1/-1 for bits.
inline double raw_value(const TensorView& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kFloat32: return t.as<float>()[i];
    case DType::kInt8: return t.as<int8_t>()[i];
    case DType::kUInt8: return t.as<uint8_t>()[i];
    case DType::kInt32: return t.as<int32_t>()[i];
    case DType::kBit: {
      const Shape& shape = t.shape();
      const int32_t channels = shape.rank > 0 ? shape[shape.rank - 1] : 1;
      const int64_t row = i / channels, c = i % channels;
      const uint32_t word = t.as<uint32_t>()[row * bit_words(channels) + c / 32];
      return ((word >> (c % 32)) & 1u) ? -1.0 : 1.0;
    }
  }
  return 0.0;
}

// real = scale * (q - zero_point), with per-axis parameters where present.
inline double dequantized_value(const TensorView& t, int64_t i) {
  const Quantization& q = t.desc->quant;
  const double raw = raw_value(t, i);
  if (q.empty()) return raw;
  size_t channel = 0;
  if (q.per_axis()) {
    int64_t inner = 1;
    for (int d = q.axis + 1; d < t.shape().rank; ++d) inner *= t.shape()[d];
    channel = static_cast<size_t>((i / inner) % t.shape()[q.axis]);
  }
  const int32_t zp = channel < q.zero_points.size() ? q.zero_points[channel] : 0;
  return q.scales[channel] * (raw - zp);
}

// "name: int8 [1,10] scale=... zp=..." then the first values, dequantized
// values for quantized tensors, and min/mean/max of the (real) values.
inline std::string describe_values(const TensorView& t, size_t max_values) {
  std::ostringstream out;
  const int64_t count = t.shape().num_elements();
  const size_t shown = static_cast<size_t>(std::min<int64_t>(count, max_values));
  const bool quantized = !t.desc->quant.empty();
  char buf[64];
  out << "  values:";
  for (size_t i = 0; i < shown; ++i) {
    std::snprintf(buf, sizeof(buf), " %.6g", raw_value(t, i));
    out << buf;
  }
  if (static_cast<int64_t>(shown) < count) out << " ...";
  out << "\n";
  if (quantized) {
    out << "  real:  ";
    for (size_t i = 0; i < shown; ++i) {
      std::snprintf(buf, sizeof(buf), " %.6g", dequantized_value(t, i));
      out << buf;
    }
    if (static_cast<int64_t>(shown) < count) out << " ...";
    out << "\n";
  }
  if (count > 0) {
    double lo = INFINITY, hi = -INFINITY, sum = 0.0;
    for (int64_t i = 0; i < count; ++i) {
      const double v = dequantized_value(t, i);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
    }
    std::snprintf(buf, sizeof(buf), "  %s min %.6g mean %.6g max %.6g\n",
                  quantized ? "real" : "all", lo, sum / count, hi);
    out << buf;
  }
  return out.str();
}

// Plain-text table with columns sized to their widest cell.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(FILE* out) const {
    std::vector<size_t> width;
    for (const auto& row : rows_) {
      if (width.size() < row.size()) width.resize(row.size(), 0);
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (const auto& row : rows_) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c) {
        line += row[c];
        if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
      }
      std::fprintf(out, "%s\n", line.c_str());
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

inline std::string format_double(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

}  // namespace tools
}  // namespace lowbit
