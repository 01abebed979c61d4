// 16x8 GEMM, AVX-512: 32 int16 activations per step, VPMADDWD into sixteen
// int32 lanes (kernels/x86/qs16_gemm_avx512.h).
#include "kernels/x86/qs16_gemm_avx512.h"

namespace lowbit {

void qs16_gemm__avx512(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                       const int8_t* weights, int64_t* acc) {
  qs16_gemm_simd<Avx512Steps<false>>(mr, nc, k, a_rows, weights, acc);
}

}  // namespace lowbit
