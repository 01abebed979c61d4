#include "kernels/reference/qs8_matvec.h"

namespace lowbit {
namespace ref {
namespace {

// One dot product of n elements; unsigned arithmetic wraps as TFLite's int32
// sum does, without UB (an int16 product, at most 2^30, always fits int32).
template <typename T>
int32_t wrapping_dot(const T* a, const T* b, size_t n) {
  uint32_t sum = 0;
  for (size_t c = 0; c < n; ++c) sum += static_cast<uint32_t>(int32_t{a[c]} * int32_t{b[c]});
  return static_cast<int32_t>(sum);
}

}  // namespace

void qs8_matvec__reference(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                           int32_t* sums) {
  for (size_t r = 0; r < rows; ++r) sums[r] = wrapping_dot(matrix + r * cols, vector, cols);
}

void qs8_rowdot__reference(size_t rows, size_t cols, const int8_t* a, const int8_t* b,
                           int32_t* sums) {
  for (size_t r = 0; r < rows; ++r) sums[r] = wrapping_dot(a + r * cols, b + r * cols, cols);
}

void qs16_rowdot__reference(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                            int32_t* sums) {
  for (size_t r = 0; r < rows; ++r) sums[r] = wrapping_dot(a + r * cols, b + r * cols, cols);
}

}  // namespace ref
}  // namespace lowbit
