// The QUANTIZE, DEQUANTIZE, RELU and RELU6 variants (kernels/qs8_quantize.h)
// this build has: each SIMD row only where its ISA's files are compiled
// (variant_rows.h). Best first; the reference last.
#include <type_traits>

#include "kernels/qs8_quantize.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {
namespace {

// One name per kernel type: a template's comma would split a macro argument.
using Qs8QuantizeFn = ref::QuantizeFn<int8_t>;
using Qu8QuantizeFn = ref::QuantizeFn<uint8_t>;
using Qs8RequantizeFn = ref::RequantizeFn<int8_t, int8_t>;
using Qu8Qs8RequantizeFn = ref::RequantizeFn<uint8_t, int8_t>;
using Qs8Qu8RequantizeFn = ref::RequantizeFn<int8_t, uint8_t>;
using Qu8RequantizeFn = ref::RequantizeFn<uint8_t, uint8_t>;
using Qs8DequantizeFn = ref::DequantizeFn<int8_t>;
using Qu8DequantizeFn = ref::DequantizeFn<uint8_t>;

}  // namespace

LOWBIT_KERNEL_FAMILY(Qs8QuantizeFn, qs8_quantize, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(Qu8QuantizeFn, qu8_quantize, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(Qs8RequantizeFn, qs8_requantize, AVX512, AVX2)
LOWBIT_KERNEL_FAMILY(Qu8Qs8RequantizeFn, qu8_qs8_requantize, AVX512, AVX2)
LOWBIT_KERNEL_FAMILY(Qs8Qu8RequantizeFn, qs8_qu8_requantize, AVX512, AVX2)
LOWBIT_KERNEL_FAMILY(Qu8RequantizeFn, qu8_requantize, AVX512)
LOWBIT_KERNEL_FAMILY(Qs8DequantizeFn, qs8_dequantize, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(Qu8DequantizeFn, qu8_dequantize, AVX512, AVX2, NEON, ARMV7NEON)
// RELU and RELU6 differ only in the clamp their parameters carry.
LOWBIT_REFERENCE_FAMILY(Qs8RequantizeFn, qs8_relu)
LOWBIT_REFERENCE_FAMILY(Qu8RequantizeFn, qu8_relu)
// 16x8 conversions: the reference only, so far; a row's type is its kernel's.
#define LOWBIT_16X8_FAMILY(family) \
  LOWBIT_REFERENCE_FAMILY(std::decay_t<decltype(ref::family##__reference)>, family)
LOWBIT_16X8_FAMILY(qs16_quantize)
LOWBIT_16X8_FAMILY(qs16_dequantize)
LOWBIT_16X8_FAMILY(qs16_requantize)
LOWBIT_16X8_FAMILY(qs16_qs8_requantize)
LOWBIT_16X8_FAMILY(qs8_qs16_requantize)
LOWBIT_16X8_FAMILY(qs16_qs32_requantize)
LOWBIT_16X8_FAMILY(qs32_qs16_requantize)
#undef LOWBIT_16X8_FAMILY

}  // namespace lowbit
