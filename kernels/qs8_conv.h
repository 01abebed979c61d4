// Whole-layer int8 and uint8 convolution kernels (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED), kernels/reference/qs8_{conv2d,depthwise_conv2d,
// fully_connected}.h: the operators run these where no microkernel driver
// applies (uint8, grouped convolution, the reference kernel set, profiles
// the SIMD kernels do not implement).
//
// Every int8 kernel, scalar ones included, accumulates modulo 2^32, as the
// SIMD lanes do. Prepare proves the accumulators fit int32, unless the model
// file states it did (prepared "accumulator_range.v1"): a false statement
// must give wrong numbers, the same in every kernel set, never undefined
// behaviour (tests/convert/prepared_trust_test.cpp).
#pragma once

#include "kernels/isa.h"
#include "kernels/reference/qs8_conv2d.h"
#include "kernels/reference/qs8_depthwise_conv2d.h"
#include "kernels/reference/qs8_fully_connected.h"

namespace lowbit {

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_conv_config.cpp).
KernelFamily<ref::Qs8Conv2dFn> qs8_conv2d_variants();
KernelFamily<ref::Qu8Conv2dFn> qu8_conv2d_variants();
KernelFamily<ref::Qs8DepthwiseConv2dFn> qs8_depthwise_conv2d_variants();
KernelFamily<ref::Qu8DepthwiseConv2dFn> qu8_depthwise_conv2d_variants();
KernelFamily<ref::Qs8FullyConnectedFn> qs8_fully_connected_variants();
KernelFamily<ref::Qu8FullyConnectedFn> qu8_fully_connected_variants();

}  // namespace lowbit
