// Tensor bytes for the tools and bench_model: raw files in and out, and
// deterministic random inputs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "lowbit/lowbit.h"

namespace lowbit {
namespace tools {

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

// Fills a tensor from the generator: uniform over the dtype's range, [-1, 1]
// for float, 0 or 1 for bool, random words with zero pad bits for bit tensors. The mapping
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
    case DType::kInt64: {
      uint64_t* p = t.as<uint64_t>();
      for (int64_t i = 0; i < count; ++i) p[i] = (uint64_t{rng()} << 32) | rng();
      break;
    }
    case DType::kInt16: {
      uint16_t* p = t.as<uint16_t>();
      for (int64_t i = 0; i < count; ++i) p[i] = static_cast<uint16_t>(rng() >> 16);
      break;
    }
    case DType::kFloat16: {  // +-[0.5, 1): sign, exponent 14, random mantissa
      uint16_t* p = t.as<uint16_t>();
      for (int64_t i = 0; i < count; ++i) p[i] = static_cast<uint16_t>((rng() & 0x83ffu) | 0x3800u);
      break;
    }
    case DType::kBool: {  // only 0 and 1 are valid booleans
      uint8_t* p = t.as<uint8_t>();
      for (int64_t i = 0; i < count; ++i) p[i] = static_cast<uint8_t>(rng() >> 31);
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
    case DType::kInt4: {  // two nibbles a byte; an odd count's last high nibble stays 0
      uint8_t* p = t.as<uint8_t>();
      for (int64_t i = 0; i < count / 2; ++i) p[i] = static_cast<uint8_t>(rng() >> 24);
      if (count % 2) p[count / 2] = static_cast<uint8_t>((rng() >> 28) & 0x0fu);
      break;
    }
  }
}

}  // namespace tools
}  // namespace lowbit
