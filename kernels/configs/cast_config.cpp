// The CAST variants (kernels/cast.h) this build has: each SIMD row only where
// its ISA's files are compiled (variant_rows.h). Best first; the reference last.
#include "kernels/cast.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {
namespace {

// One name per kernel type: a template's comma would split a macro argument.
using U8F32CastFn = ref::CastFn<uint8_t, float>;
using S8F32CastFn = ref::CastFn<int8_t, float>;
using S32F32CastFn = ref::CastFn<int32_t, float>;
using F32S32CastFn = ref::CastFn<float, int32_t>;

}  // namespace

LOWBIT_KERNEL_FAMILY(U8F32CastFn, u8_f32_cast, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(S8F32CastFn, s8_f32_cast, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(S32F32CastFn, s32_f32_cast, AVX512, AVX2, NEON, ARMV7NEON)
LOWBIT_KERNEL_FAMILY(F32S32CastFn, f32_s32_cast, AVX512, AVX2, NEON, ARMV7NEON)

}  // namespace lowbit
