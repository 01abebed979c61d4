// The QUANTIZE, DEQUANTIZE, RELU and RELU6 variants (kernels/qs8_quantize.h)
// this build has: each SIMD row only where its ISA's files are compiled
// (LOWBIT_HAVE_<ISA>). Best first; the reference last.
#include "kernels/qs8_quantize.h"

namespace lowbit {
namespace {

template <typename In, typename Out>
using Requantize = KernelVariant<ref::RequantizeFn<In, Out>>;

constexpr KernelVariant<ref::QuantizeFn<int8_t>> kQs8Quantize[] = {
    {"qs8_quantize__reference", "reference", 0, ref::qs8_quantize__reference},
};
constexpr KernelVariant<ref::QuantizeFn<uint8_t>> kQu8Quantize[] = {
    {"qu8_quantize__reference", "reference", 0, ref::qu8_quantize__reference},
};
constexpr Requantize<int8_t, int8_t> kQs8Requantize[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_requantize__avx2", "avx2", kCpuAVX2, qs8_requantize__avx2},
#endif
    {"qs8_requantize__reference", "reference", 0, ref::qs8_requantize__reference},
};
constexpr Requantize<uint8_t, int8_t> kQu8Qs8Requantize[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qu8_qs8_requantize__avx2", "avx2", kCpuAVX2, qu8_qs8_requantize__avx2},
#endif
    {"qu8_qs8_requantize__reference", "reference", 0, ref::qu8_qs8_requantize__reference},
};
constexpr Requantize<int8_t, uint8_t> kQs8Qu8Requantize[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_qu8_requantize__avx2", "avx2", kCpuAVX2, qs8_qu8_requantize__avx2},
#endif
    {"qs8_qu8_requantize__reference", "reference", 0, ref::qs8_qu8_requantize__reference},
};
constexpr KernelVariant<ref::DequantizeFn<int8_t>> kQs8Dequantize[] = {
    {"qs8_dequantize__reference", "reference", 0, ref::qs8_dequantize__reference},
};
constexpr KernelVariant<ref::DequantizeFn<uint8_t>> kQu8Dequantize[] = {
    {"qu8_dequantize__reference", "reference", 0, ref::qu8_dequantize__reference},
};
// RELU and RELU6 differ only in the clamp their parameters carry.
constexpr Requantize<int8_t, int8_t> kQs8Relu[] = {
    {"qs8_relu__reference", "reference", 0, ref::qs8_relu__reference},
};

}  // namespace

KernelFamily<ref::QuantizeFn<int8_t>> qs8_quantize_variants() {
  return kernel_family(kQs8Quantize);
}
KernelFamily<ref::QuantizeFn<uint8_t>> qu8_quantize_variants() {
  return kernel_family(kQu8Quantize);
}
KernelFamily<ref::RequantizeFn<int8_t, int8_t>> qs8_requantize_variants() {
  return kernel_family(kQs8Requantize);
}
KernelFamily<ref::RequantizeFn<uint8_t, int8_t>> qu8_qs8_requantize_variants() {
  return kernel_family(kQu8Qs8Requantize);
}
KernelFamily<ref::RequantizeFn<int8_t, uint8_t>> qs8_qu8_requantize_variants() {
  return kernel_family(kQs8Qu8Requantize);
}
KernelFamily<ref::DequantizeFn<int8_t>> qs8_dequantize_variants() {
  return kernel_family(kQs8Dequantize);
}
KernelFamily<ref::DequantizeFn<uint8_t>> qu8_dequantize_variants() {
  return kernel_family(kQu8Dequantize);
}
KernelFamily<ref::RequantizeFn<int8_t, int8_t>> qs8_relu_variants() {
  return kernel_family(kQs8Relu);
}

}  // namespace lowbit
