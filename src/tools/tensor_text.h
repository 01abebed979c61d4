// Tensors as text for the tools: dtype, shape and quantization, the first
// values (raw and real) and their range.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>

#include "kernels/int4.h"
#include "kernels/reference/float16.h"
#include "lowbit/lowbit.h"

namespace lowbit {
namespace tools {

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

// Value of element i as a double: raw integer, float, or +1/-1 for bits.
inline double raw_value(const TensorView& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kFloat32: return t.as<float>()[i];
    case DType::kInt8: return t.as<int8_t>()[i];
    case DType::kUInt8: return t.as<uint8_t>()[i];
    case DType::kInt32: return t.as<int32_t>()[i];
    case DType::kInt64: return static_cast<double>(t.as<int64_t>()[i]);
    case DType::kBool: return t.as<uint8_t>()[i];
    case DType::kInt16: return t.as<int16_t>()[i];
    case DType::kFloat16: return ref::half_to_float(t.as<uint16_t>()[i]);
    case DType::kInt4: return int4_element(t.as<uint8_t>(), size_t(i));
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
  // One line: the label, the first `shown` values, "..." when there are more.
  auto print_line = [&](const char* label, auto value_at) {
    out << label;
    for (size_t i = 0; i < shown; ++i) {
      std::snprintf(buf, sizeof(buf), " %.6g", value_at(i));
      out << buf;
    }
    if (static_cast<int64_t>(shown) < count) out << " ...";
    out << "\n";
  };
  print_line("  values:", [&](size_t i) { return raw_value(t, i); });
  if (quantized) print_line("  real:  ", [&](size_t i) { return dequantized_value(t, i); });
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

}  // namespace tools
}  // namespace lowbit
