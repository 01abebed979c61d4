// The float pooling and MEAN families' AVX512 rows (kernels/f32_elementwise_simd.h):
// the shared loops of kernels/f32_pool_loops.h over F32Avx512Lanes.
#include "kernels/f32_elementwise_simd.h"
#include "kernels/f32_pool_loops.h"
#include "kernels/x86/f32_lanes_avx512.h"

LOWBIT_DEFINE_F32_POOL(avx512, lowbit::F32Avx512Lanes)
