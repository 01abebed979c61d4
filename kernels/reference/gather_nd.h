// GATHER_ND as TFLite defines it: indices [..., depth] pick slices of params;
// each index tuple addresses params' first `depth` dimensions and copies the
// slice of the remaining ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

constexpr int kGatherNdMaxDepth = 8;

struct GatherNdParams {
  size_t element_size = 1;
  bool indices_int64 = false;
  int depth = 0;                              // indices' last dimension
  int64_t dims[kGatherNdMaxDepth] = {};       // params' first `depth` dimensions
  int64_t strides[kGatherNdMaxDepth] = {};    // their element strides in params
  int64_t num_tuples = 0;                     // index tuples (indices' other dims)
  int64_t slice_elements = 1;                 // elements each tuple copies
};

// Checks every index first and writes nothing when one lies outside its
// dimension: returns the flat position (in indices) of the first such value,
// or -1 when the output is written.
int64_t gather_nd__reference(const GatherNdParams& params, const void* values,
                             const void* indices, void* output);

}  // namespace ref
}  // namespace lowbit
