// The float element-wise families' armv7neon rows (kernels/f32_elementwise_simd.h):
// the shared loops of kernels/f32_elementwise_loops.h over F32NeonLanes.
#include "kernels/arm/f32_lanes_neon.h"
#include "kernels/f32_elementwise_loops.h"
#include "kernels/f32_elementwise_simd.h"

LOWBIT_DEFINE_F32_ELEMENTWISE(armv7neon, lowbit::F32NeonLanes)
