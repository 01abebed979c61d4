// SIMD variants of int8 SOFTMAX with the signature and results of
// kernels/reference/qs8_softmax.h. The fixed-point form's exp depends only on
// d = row_max - x in [0, 255], so it is tabulated once at prepare time.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/qs16_softmax.h"
#include "kernels/reference/qs8_softmax.h"

namespace lowbit {

constexpr size_t kQs8SoftmaxFixedTableSize = 512;

// Fills params.fixed_exp_table's layout (see ref::Qs8SoftmaxParams) from the
// fixed-point parameters, with the reference's exp and rescale.
void make_qs8_softmax_fixed_exp_table(const ref::Qs8SoftmaxParams& params,
                                      int32_t table[kQs8SoftmaxFixedTableSize]);

// x86-64 (kernels/x86/):
// Fixed-point form; needs params.fixed_exp_table.
void qs8_softmax__avx2(const ref::Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                       const int8_t* input, int8_t* output);
// Float-table form; the sum stays in element order (float addition is not
// associative), the rest runs eight elements at a time.
void qs8_softmax_table__avx2(const ref::Qs8SoftmaxParams& params, size_t rows, size_t row_size,
                             const int8_t* input, int8_t* output);

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_softmax_config.cpp): the fixed-point form, and the
// float-table form.
KernelFamily<ref::Qs8SoftmaxFn> qs8_softmax_variants();
KernelFamily<ref::Qs8SoftmaxFn> qs8_softmax_table_variants();
// 16x8 SOFTMAX, int8 -> int16 and int16 -> int16: the reference only, so far.
KernelFamily<ref::Qs8Qs16SoftmaxFn> qs8_qs16_softmax_variants();
KernelFamily<ref::Qs16SoftmaxFn> qs16_softmax_variants();

}  // namespace lowbit
