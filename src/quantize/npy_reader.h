// A minimal .npy reader for calibration data: float32, little-endian, C order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lowbit/status.h"

namespace lowbit {
namespace quantize {

struct NpyArray {
  std::vector<int64_t> shape;  // empty for a 0-d array
  std::vector<float> values;   // shape's product of them
};

// Parses .npy bytes (format versions 1.0, 2.0 and 3.0). `what` names the
// source in messages ("calib/a.npy"). A dtype other than '<f4', Fortran
// order, a truncated or malformed header, or data of the wrong length is a
// kInvalidArgument error naming what is wrong.
Result<NpyArray> parse_npy(const uint8_t* data, size_t size, const std::string& what);
Result<NpyArray> read_npy_file(const std::string& path);

// Serializes a float32 C-order array (tests and the Python binding's examples).
std::vector<uint8_t> write_npy(const std::vector<int64_t>& shape, const std::vector<float>& values);

}  // namespace quantize
}  // namespace lowbit
