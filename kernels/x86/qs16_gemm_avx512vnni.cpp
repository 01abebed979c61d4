// 16x8 GEMM, AVX512-VNNI: VPDPWSSD fuses the pair multiply-add and the
// accumulation (kernels/x86/qs16_gemm_avx512.h).
#if !defined(__AVX512VNNI__)
#error "built without -mavx512vnni"
#endif

#include "kernels/x86/qs16_gemm_avx512.h"

namespace lowbit {

void qs16_gemm__avx512vnni(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                           const int8_t* weights, int64_t* acc) {
  qs16_gemm_simd<Avx512Steps<true>>(mr, nc, k, a_rows, weights, acc);
}

}  // namespace lowbit
