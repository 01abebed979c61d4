// The whole-layer convolution kernels (kernels/qs8_conv.h): the reference
// only. SIMD convolution goes through the GEMM and depthwise microkernels
// (qs8_gemm_config.cpp, qs8_dwconv_config.cpp) and their drivers.
#include "kernels/qs8_conv.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8Conv2dFn> kQs8Conv2d[] = {
    {"qs8_conv2d__reference", "reference", 0, ref::qs8_conv2d__reference},
};
constexpr KernelVariant<ref::Qu8Conv2dFn> kQu8Conv2d[] = {
    {"qu8_conv2d__reference", "reference", 0, ref::qu8_conv2d__reference},
};
constexpr KernelVariant<ref::Qs8DepthwiseConv2dFn> kQs8DepthwiseConv2d[] = {
    {"qs8_depthwise_conv2d__reference", "reference", 0, ref::qs8_depthwise_conv2d__reference},
};
constexpr KernelVariant<ref::Qu8DepthwiseConv2dFn> kQu8DepthwiseConv2d[] = {
    {"qu8_depthwise_conv2d__reference", "reference", 0, ref::qu8_depthwise_conv2d__reference},
};
constexpr KernelVariant<ref::Qs8FullyConnectedFn> kQs8FullyConnected[] = {
    {"qs8_fully_connected__reference", "reference", 0, ref::qs8_fully_connected__reference},
};
constexpr KernelVariant<ref::Qu8FullyConnectedFn> kQu8FullyConnected[] = {
    {"qu8_fully_connected__reference", "reference", 0, ref::qu8_fully_connected__reference},
};

}  // namespace

KernelFamily<ref::Qs8Conv2dFn> qs8_conv2d_variants() { return kernel_family(kQs8Conv2d); }
KernelFamily<ref::Qu8Conv2dFn> qu8_conv2d_variants() { return kernel_family(kQu8Conv2d); }
KernelFamily<ref::Qs8DepthwiseConv2dFn> qs8_depthwise_conv2d_variants() {
  return kernel_family(kQs8DepthwiseConv2d);
}
KernelFamily<ref::Qu8DepthwiseConv2dFn> qu8_depthwise_conv2d_variants() {
  return kernel_family(kQu8DepthwiseConv2d);
}
KernelFamily<ref::Qs8FullyConnectedFn> qs8_fully_connected_variants() {
  return kernel_family(kQs8FullyConnected);
}
KernelFamily<ref::Qu8FullyConnectedFn> qu8_fully_connected_variants() {
  return kernel_family(kQu8FullyConnected);
}

}  // namespace lowbit
