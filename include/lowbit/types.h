// Element types, shapes and quantization parameters shared by the whole API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lowbit {

enum class DType : uint8_t {
  kFloat32 = 0,
  kInt8 = 1,
  kUInt8 = 2,
  kInt32 = 3,
  // One bit per element; the innermost dimension is packed into 32-bit words
  // (element c in bit c%32 of word c/32, bit set = negative, pad bits zero).
  // Shapes of bit tensors are logical (unpacked).
  kBit = 4,
  kInt64 = 5,
  // One byte per element, 0 = false and 1 = true (TFLite's BOOL).
  kBool = 6,
  // Signed 16-bit integers (TFLite's INT16: LSTM cell state, 16x8 activations).
  kInt16 = 7,
  // IEEE half precision, two bytes per element (TFLite's FLOAT16): only
  // DEQUANTIZE reads it.
  kFloat16 = 8,
  // Signed 4-bit integers in [-8, 7], two per byte over the flattened tensor
  // (element 2i in the low nibble of byte i, 2i+1 in the high nibble; an odd
  // count leaves the last high nibble zero), as TFLite's INT4. Constant
  // weights only (W4A8 CONV_2D and FULLY_CONNECTED).
  kInt4 = 9,
};

const char* dtype_name(DType dtype);

constexpr int kMaxRank = 8;

struct Shape {
  int rank = 0;
  int32_t dims[kMaxRank] = {};

  Shape() = default;
  Shape(std::initializer_list<int32_t> d);
  static Shape from_vector(const std::vector<int32_t>& d);
  std::vector<int32_t> to_vector() const { return {dims, dims + rank}; }

  int32_t operator[](int i) const { return dims[i]; }
  int32_t& operator[](int i) { return dims[i]; }
  // Product of dims (1 for a scalar). Callers validate first: no overflow check.
  int64_t num_elements() const;
  std::string to_string() const;  // "[1,224,224,3]"
  bool operator==(const Shape& other) const;
  bool operator!=(const Shape& other) const { return !(*this == other); }
};

// Bytes needed to store a tensor of this dtype and shape (bit tensors round the
// innermost dimension up to whole 32-bit words). Returns false on overflow or
// negative dimensions.
bool storage_bytes(DType dtype, const Shape& shape, size_t* bytes);

// 32-bit words needed for `channels` bits.
inline int32_t bit_words(int32_t channels) {
  return static_cast<int32_t>((int64_t{channels} + 31) / 32);
}

// real = scale * (q - zero_point). Empty scales = not quantized. One entry =
// per tensor; otherwise one per index along `axis`.
struct Quantization {
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  int axis = 0;

  bool empty() const { return scales.empty(); }
  bool per_axis() const { return scales.size() > 1; }
};

}  // namespace lowbit
