// SUM, REDUCE_MAX, REDUCE_MIN and the plain-value MEAN as TFLite's reference
// kernels compute them, for float32, int8, uint8, int32 and int64 values
// (quantized SUM/MEAN with rescaling are qs8_mean.h). Each output folds its
// input elements in the input's row-major order, starting from the reducer's
// identity (0, lowest, max), except when every dimension is reduced: TFLite
// then starts from the first element (which keeps a leading NaN in MAX/MIN and
// a -0.0 in SUM). Integer sums wrap in the value type, as TFLite's do; MEAN
// divides an int64 (int32 for 8-bit values) sum by the count, truncating
// toward zero, and a float sum by the float count.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/types.h"

namespace lowbit {
namespace ref {

constexpr int kReduceMaxRank = 8;

enum class ReduceKind : uint8_t { kSum, kMax, kMin, kMean };

// Output elements enumerate the kept dimensions in row-major order; each folds
// the input over every combination of the reduced dimensions.
struct ReduceGeometry {
  int32_t kept_rank = 0;
  int32_t kept_dims[kReduceMaxRank] = {};
  size_t kept_strides[kReduceMaxRank] = {};  // input element strides
  int32_t reduced_rank = 0;
  int32_t reduced_dims[kReduceMaxRank] = {};
  size_t reduced_strides[kReduceMaxRank] = {};
  int32_t count = 1;  // elements folded per output, >= 1
};

struct ReduceParams : ReduceGeometry {
  ReduceKind kind = ReduceKind::kSum;
  DType dtype = DType::kFloat32;  // float32, int8, uint8, int32 or int64
  bool start_with_first = false;  // every input dimension is reduced
};

// Computes output elements [begin, end).
using ReduceFn = void (*)(const ReduceParams& p, const void* input, void* output, size_t begin,
                          size_t end);
void reduce__reference(const ReduceParams& p, const void* input, void* output, size_t begin,
                       size_t end);

// The input offset of output element o's first input element.
inline size_t reduce_output_base(const ReduceGeometry& p, size_t o) {
  size_t base = 0;
  for (int d = p.kept_rank - 1; d >= 0; --d) {
    base += (o % size_t(p.kept_dims[d])) * p.kept_strides[d];
    o /= size_t(p.kept_dims[d]);
  }
  return base;
}

// Calls visit(offset) for each input element of the output at `base`, in the
// input's row-major order.
template <typename Visit>
void for_each_reduced(const ReduceGeometry& p, size_t base, Visit&& visit) {
  int32_t coord[kReduceMaxRank] = {};
  for (int32_t n = 0; n < p.count; ++n) {
    size_t offset = base;
    for (int d = 0; d < p.reduced_rank; ++d) offset += size_t(coord[d]) * p.reduced_strides[d];
    visit(offset);
    for (int d = p.reduced_rank - 1; d >= 0; --d) {
      if (++coord[d] < p.reduced_dims[d]) break;
      coord[d] = 0;
    }
  }
}

}  // namespace ref
}  // namespace lowbit
