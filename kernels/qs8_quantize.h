// QUANTIZE, DEQUANTIZE, RELU and RELU6: the variant tables of the
// kernels/reference/qs8_quantize.h kernels, and the SIMD variants of the
// integer requantization (QUANTIZE between integer types) with their
// signatures and results.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "kernels/reference/qs8_quantize.h"

namespace lowbit {

// x86-64 (kernels/x86/):
ref::RequantizeSignature<int8_t, int8_t> qs8_requantize__avx2;
ref::RequantizeSignature<uint8_t, int8_t> qu8_qs8_requantize__avx2;
ref::RequantizeSignature<int8_t, uint8_t> qs8_qu8_requantize__avx2;

// Every variant this build has, best first; the last needs nothing
// (kernels/configs/qs8_quantize_config.cpp).
KernelFamily<ref::QuantizeFn<int8_t>> qs8_quantize_variants();
KernelFamily<ref::QuantizeFn<uint8_t>> qu8_quantize_variants();
KernelFamily<ref::RequantizeFn<int8_t, int8_t>> qs8_requantize_variants();
KernelFamily<ref::RequantizeFn<uint8_t, int8_t>> qu8_qs8_requantize_variants();
KernelFamily<ref::RequantizeFn<int8_t, uint8_t>> qs8_qu8_requantize_variants();
KernelFamily<ref::RequantizeFn<uint8_t, uint8_t>> qu8_requantize_variants();
KernelFamily<ref::DequantizeFn<int8_t>> qs8_dequantize_variants();
KernelFamily<ref::DequantizeFn<uint8_t>> qu8_dequantize_variants();
// RELU and RELU6: a requantization whose clamp is the activation's range.
KernelFamily<ref::RequantizeFn<int8_t, int8_t>> qs8_relu_variants();
KernelFamily<ref::RequantizeFn<uint8_t, uint8_t>> qu8_relu_variants();

}  // namespace lowbit
