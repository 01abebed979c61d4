// The AVX2 vector of both 16x8 loops' steps (kernels/x86/qs16_gemm_avx2.cpp,
// qs16_dwconv_avx2.cpp): eight int32 lanes, started at zero.
#pragma once

#include <immintrin.h>

namespace lowbit {

struct Avx2Int32Lanes {
  using Vec = __m256i;
  static Vec zero() { return _mm256_setzero_si256(); }
};

}  // namespace lowbit
