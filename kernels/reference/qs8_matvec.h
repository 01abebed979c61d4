// int8 matrix times int8 vector into int32 sums, the int32 accumulation of the
// int8 GEMM without its requantization: what the integer LSTM's gate and
// projection products need (TFLite's MatrixBatchVectorMultiplyAccumulate sums
// in int32, then rescales and adds to an int16 or int8 accumulator itself).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {
namespace ref {

// sums[r] = sum over c < cols of matrix[r * cols + c] * vector[c], wrapping
// modulo 2^32 as TFLite's int32 sums do.
using Qs8MatvecFn = void (*)(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                             int32_t* sums);

void qs8_matvec__reference(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                           int32_t* sums);

}  // namespace ref
}  // namespace lowbit
