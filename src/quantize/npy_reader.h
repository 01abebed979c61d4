// Calibration data as float32 arrays, read through the tools' .npy reader
// (format/npy_file.h), and written back for tests.
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

// A dtype other than '<f4', Fortran order, a truncated or malformed header,
// or data of the wrong length is a kInvalidArgument error naming the file.
Result<NpyArray> read_npy_file(const std::string& path);

// Serializes a float32 C-order array (tests).
std::vector<uint8_t> write_npy(const std::vector<int64_t>& shape, const std::vector<float>& values);

}  // namespace quantize
}  // namespace lowbit
