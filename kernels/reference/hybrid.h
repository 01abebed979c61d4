// TFLite's hybrid arithmetic (float activations, int8 weights), as SVDF and
// UNIDIRECTIONAL_SEQUENCE_RNN use it: each batch row of float activations is
// quantized to int8 on the fly (symmetric, or asymmetric with an offset), the
// int8 products are summed exactly, and each sum is scaled back to float.
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {

// TFLite's IsZeroVector: the quantized products are skipped when true.
bool is_zero_vector(const float* x, int64_t n);

// TFLite's SymmetricQuantizeFloats (asymmetric false: q = round(x * 127 /
// max|x|), offset 0) or AsymmetricQuantizeFloats (the [min(x, 0), max(x, 0)]
// range onto [-128, 127] with a nudged zero point as `offset`). A row of
// zeros gives scale 1.
void hybrid_quantize_row(const float* x, int n, bool asymmetric, int8_t* q, float* scale,
                         int32_t* offset);

// result[r] += float(sum_c w[r][c] * q[c] - row_sums[r] * offset) * scale
// (row_sums: the weights' row sums, read only when offset is not 0).
void hybrid_matvec_accumulate(const int8_t* weights, int rows, int cols, const int8_t* q,
                              float scale, int32_t offset, const int32_t* row_sums, float* result);

// The same from the int32 sums of the products (sums[r] = w[r] . q, wrapped
// as a kernels/qs8_matvec.h variant gives them): the scaling half alone.
void hybrid_accumulate_sums(const int32_t* sums, int rows, float scale, int32_t offset,
                            const int32_t* row_sums, float* result);

// Row sums of an int8 [rows, cols] matrix (for asymmetric inputs).
void int8_row_sums(const int8_t* weights, int rows, int cols, int32_t* sums);

}  // namespace ref
}  // namespace lowbit
