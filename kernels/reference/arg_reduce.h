// ARG_MAX and ARG_MIN as TFLite's reference kernel defines them: the index
// along one axis of the first element that no later element beats, where
// "beats" is std::greater (max) or std::less (min) on the raw stored values.
// So ties pick the lowest index, a NaN never beats anything nor is beaten
// once it is the running best (a leading NaN wins), and int8/uint8 compare
// their quantized integers (the scale is positive, so the order is the same).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/types.h"

namespace lowbit {
namespace ref {

struct ArgReduceParams {
  DType input = DType::kFloat32;  // float32, int8, uint8 or int32
  DType output = DType::kInt32;   // int32 or int64
  bool minimum = false;           // ARG_MIN instead of ARG_MAX
  // The input as [outer, axis_size, inner]; the output is [outer, inner].
  size_t outer = 1, axis_size = 1, inner = 1;
};

// Writes the outputs of outer slices [outer_begin, outer_end). axis_size >= 1.
void arg_reduce__reference(const ArgReduceParams& p, const void* input, void* output,
                           size_t outer_begin, size_t outer_end);

}  // namespace ref
}  // namespace lowbit
