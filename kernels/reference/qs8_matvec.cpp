#include "kernels/reference/qs8_matvec.h"

namespace lowbit {
namespace ref {

void qs8_matvec__reference(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                           int32_t* sums) {
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* row = matrix + r * cols;
    // Unsigned arithmetic wraps as TFLite's int32 sum does, without UB.
    uint32_t sum = 0;
    for (size_t c = 0; c < cols; ++c) sum += static_cast<uint32_t>(int32_t{row[c]} * vector[c]);
    sums[r] = static_cast<int32_t>(sum);
  }
}

}  // namespace ref
}  // namespace lowbit
