// int8 matrix times int8 vector into int32 sums, the int32 accumulation of the
// int8 GEMM without its requantization: what the integer LSTM's gate and
// projection products, the integer SVDF's feature product and the hybrid
// SVDF and RNN products need (TFLite's MatrixBatchVectorMultiplyAccumulate
// sums in int32, then rescales and adds to an accumulator itself). Beside it,
// the row-by-row dot products of two matrices (the SVDF's time product: each
// filter's time weights against its own window of the state).
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

// sums[r] = sum over c < cols of a[r * cols + c] * b[r * cols + c], wrapping
// modulo 2^32 (TFLite's integer SVDF sums its time products in int32). Both
// matrices are rows x cols, contiguous; int8 for the int8-state SVDF, int16
// for the int16-state one.
using Qs8RowdotFn = void (*)(size_t rows, size_t cols, const int8_t* a, const int8_t* b,
                             int32_t* sums);
using Qs16RowdotFn = void (*)(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                              int32_t* sums);

void qs8_rowdot__reference(size_t rows, size_t cols, const int8_t* a, const int8_t* b,
                           int32_t* sums);
void qs16_rowdot__reference(size_t rows, size_t cols, const int16_t* a, const int16_t* b,
                            int32_t* sums);

}  // namespace ref
}  // namespace lowbit
