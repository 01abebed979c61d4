// The whole-layer convolution kernels (kernels/qs8_conv.h): the reference
// only. SIMD convolution goes through the GEMM and depthwise microkernels
// (qs8_gemm_config.cpp, qs8_dwconv_config.cpp) and their drivers.
#include "kernels/qs8_conv.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_REFERENCE_FAMILY(ref::Qs8Conv2dFn, qs8_conv2d)
LOWBIT_REFERENCE_FAMILY(ref::Qu8Conv2dFn, qu8_conv2d)
LOWBIT_REFERENCE_FAMILY(ref::Qs8DepthwiseConv2dFn, qs8_depthwise_conv2d)
LOWBIT_REFERENCE_FAMILY(ref::Qu8DepthwiseConv2dFn, qu8_depthwise_conv2d)
LOWBIT_REFERENCE_FAMILY(ref::Qs8FullyConnectedFn, qs8_fully_connected)
LOWBIT_REFERENCE_FAMILY(ref::Qu8FullyConnectedFn, qu8_fully_connected)

}  // namespace lowbit
