// The 16x8 GEMM variants (kernels/qs16_gemm.h) this build has, best first.
#include "kernels/configs/variant_rows.h"
#include "kernels/qs16_gemm.h"

namespace lowbit {

#if defined(LOWBIT_HAVE_AVX512VNNI)
#define LOWBIT_QS16_VNNI_ROW \
  LOWBIT_VARIANT_ROW(qs16_gemm, avx512vnni, kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI)
#else
#define LOWBIT_QS16_VNNI_ROW
#endif

LOWBIT_DEFINE_VARIANTS(Qs16GemmFn, qs16_gemm,
                       LOWBIT_QS16_VNNI_ROW LOWBIT_SIMD_ROWS(qs16_gemm, AVX512, AVX2, NEON,
                                                             ARMV7NEON))

}  // namespace lowbit
