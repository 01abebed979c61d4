// Rows of the variant tables (kernels/isa.h) for families of one kernel per
// ISA, named <family>__<isa>: the row's name is the symbol's, and what an ISA
// tag requires and when its files are compiled (LOWBIT_HAVE_<ISA>) is written
// here once instead of in every table. Families whose row holds several
// kernels (GEMM, depthwise, binary output) write their rows by hand.
#pragma once

#include "kernels/isa.h"

#define LOWBIT_VARIANT_ROW(family, isa, required) {#family "__" #isa, #isa, required, family##__##isa},

#if defined(LOWBIT_HAVE_AVX512)
#define LOWBIT_ROW_AVX512(family) LOWBIT_VARIANT_ROW(family, avx512, kCpuAVX512F | kCpuAVX512BW)
#else
#define LOWBIT_ROW_AVX512(family)
#endif
#if defined(LOWBIT_HAVE_AVX2)
#define LOWBIT_ROW_AVX2(family) LOWBIT_VARIANT_ROW(family, avx2, kCpuAVX2)
#else
#define LOWBIT_ROW_AVX2(family)
#endif
#if defined(LOWBIT_HAVE_NEON)
#define LOWBIT_ROW_NEON(family) LOWBIT_VARIANT_ROW(family, neon, kCpuNEON)
#else
#define LOWBIT_ROW_NEON(family)
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
#define LOWBIT_ROW_ARMV7NEON(family) LOWBIT_VARIANT_ROW(family, armv7neon, kCpuNEON)
#else
#define LOWBIT_ROW_ARMV7NEON(family)
#endif

// The SIMD rows of the ISAs listed (AVX512, AVX2, NEON, ARMV7NEON; one to
// four of them, best first).
#define LOWBIT_SIMD_ROWS_1(family, a) LOWBIT_ROW_##a(family)
#define LOWBIT_SIMD_ROWS_2(family, a, ...) LOWBIT_ROW_##a(family) LOWBIT_SIMD_ROWS_1(family, __VA_ARGS__)
#define LOWBIT_SIMD_ROWS_3(family, a, ...) LOWBIT_ROW_##a(family) LOWBIT_SIMD_ROWS_2(family, __VA_ARGS__)
#define LOWBIT_SIMD_ROWS_4(family, a, ...) LOWBIT_ROW_##a(family) LOWBIT_SIMD_ROWS_3(family, __VA_ARGS__)
#define LOWBIT_PICK_SIMD_ROWS(_1, _2, _3, _4, rows, ...) rows
#define LOWBIT_SIMD_ROWS(family, ...)                                                  \
  LOWBIT_PICK_SIMD_ROWS(__VA_ARGS__, LOWBIT_SIMD_ROWS_4, LOWBIT_SIMD_ROWS_3,         \
                        LOWBIT_SIMD_ROWS_2, LOWBIT_SIMD_ROWS_1, unused)(family, __VA_ARGS__)

// Defines `<family>_variants()` (declared in the family's header): `rows`,
// then ref::<family>__reference, which needs nothing.
#define LOWBIT_DEFINE_VARIANTS(Fn, family, rows)                                        \
  KernelFamily<Fn> family##_variants() {                                               \
    static constexpr KernelVariant<Fn> kRows[] = {                                     \
        rows{#family "__reference", "reference", 0, ref::family##__reference}};        \
    return kernel_family(kRows);                                                       \
  }
// A family with the SIMD rows of the ISAs listed.
#define LOWBIT_KERNEL_FAMILY(Fn, family, ...) \
  LOWBIT_DEFINE_VARIANTS(Fn, family, LOWBIT_SIMD_ROWS(family, __VA_ARGS__))
// A family with the reference only, so far.
#define LOWBIT_REFERENCE_FAMILY(Fn, family) LOWBIT_DEFINE_VARIANTS(Fn, family, )
