// The int8 depthwise variants (kernels/qs8_dwconv.h) this build has: each
// SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). A row
// is a set of kernels, the generic one and the row kernels, named after the
// generic kernel's channel block and the best ISA among them. Best first; the
// portable reference last.
#include "kernels/qs8_dwconv.h"

// A firmware may link only the row kernels of the shapes its models use
// (LOWBIT_FIRMWARE_DWCONV_ROWS, cmake/LowbitFirmware.cmake defines
// LOWBIT_DWCONV_ROWS_LISTED and one LOWBIT_DWCONV_ROW_<shape> per shape): the
// other shapes' entries are nullptr, so those operators run the generic
// kernel, with the same bits, and the linker drops their row kernels.
#if !defined(LOWBIT_DWCONV_ROWS_LISTED) || defined(LOWBIT_DWCONV_ROW_3X3S1)
#define LOWBIT_ROW_3X3S1(fn) fn
#else
#define LOWBIT_ROW_3X3S1(fn) nullptr
#endif
#if !defined(LOWBIT_DWCONV_ROWS_LISTED) || defined(LOWBIT_DWCONV_ROW_3X3S2)
#define LOWBIT_ROW_3X3S2(fn) fn
#else
#define LOWBIT_ROW_3X3S2(fn) nullptr
#endif
#if !defined(LOWBIT_DWCONV_ROWS_LISTED) || defined(LOWBIT_DWCONV_ROW_5X5S1)
#define LOWBIT_ROW_5X5S1(fn) fn
#else
#define LOWBIT_ROW_5X5S1(fn) nullptr
#endif
#if !defined(LOWBIT_DWCONV_ROWS_LISTED) || defined(LOWBIT_DWCONV_ROW_5X5S2)
#define LOWBIT_ROW_5X5S2(fn) fn
#else
#define LOWBIT_ROW_5X5S2(fn) nullptr
#endif

namespace lowbit {
namespace {

constexpr KernelVariant<Qs8DwconvKernel> kQs8Dwconv[] = {
#if defined(LOWBIT_HAVE_AVX512VNNI) && defined(LOWBIT_HAVE_AVX512)
    {"qs8_dwconv_c32__avx512vnni", "avx512vnni", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI,
     {qs8_dwconv_c32__avx512, 32,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__avx512vnni),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__avx512vnni),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__avx512vnni),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__avx512vnni),
      true, false, true, qs8_dwconv_row_terms__avx512, kQs8DwconvRowTermsBlockBytesAvx512,
      qs8_dwconv_c32_terms__avx512, qs8_dwconv_generic_terms__avx512,
      kQs8DwconvRowTermsBlockBytesAvx512,
      LOWBIT_ROW_3X3S1(qs8_dwconv_fanout3x3s1__avx512vnni),
      LOWBIT_ROW_3X3S2(qs8_dwconv_fanout3x3s2__avx512vnni),
      LOWBIT_ROW_5X5S1(qs8_dwconv_fanout5x5s1__avx512vnni),
      LOWBIT_ROW_5X5S2(qs8_dwconv_fanout5x5s2__avx512vnni)}},
#endif
#if defined(LOWBIT_HAVE_AVX512)
    {"qs8_dwconv_c32__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW,
     {qs8_dwconv_c32__avx512, 32,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__avx512),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__avx512),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__avx512),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__avx512),
      true, false, true, qs8_dwconv_row_terms__avx512, kQs8DwconvRowTermsBlockBytesAvx512,
      qs8_dwconv_c32_terms__avx512, qs8_dwconv_generic_terms__avx512,
      kQs8DwconvRowTermsBlockBytesAvx512}},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_dwconv_c16__avx2", "avx2", kCpuAVX2,
     {qs8_dwconv_c16__avx2, 16,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__avx2),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__avx2),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__avx2),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__avx2),
      true, false, true}},
#endif
#if defined(LOWBIT_HAVE_NEONDOT) && defined(LOWBIT_HAVE_NEON)
    // SDOT for 3x3 (int8 weights only); 5x5 and the generic kernel are the NEON ones.
    {"qs8_dwconv_c8__neondot", "neondot", kCpuNEON | kCpuNEONDot,
     {qs8_dwconv_c8__neon, 8,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__neondot),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__neondot),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__neon),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__neon),
      true}},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"qs8_dwconv_c8__neon", "neon", kCpuNEON,
     {qs8_dwconv_c8__neon, 8,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__neon),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__neon),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__neon),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__neon),
      true}},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"qs8_dwconv_c8__armv7neon", "armv7neon", kCpuNEON,
     {qs8_dwconv_c8__armv7neon, 8,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__armv7neon),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__armv7neon),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__armv7neon),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__armv7neon),
      true}},
#endif
#if defined(LOWBIT_HAVE_CORTEXM4)
    // The generic kernel only: the operator gathers each output pixel's taps.
    {"qs8_dwconv_c4__cortexm4", "cortexm4", kCpuArmDSP, {qs8_dwconv_c4__cortexm4, 4}},
#endif
    {"qs8_dwconv_c8__reference", "reference", 0,
     {qs8_dwconv_c8__reference, 8,
      LOWBIT_ROW_3X3S1(qs8_dwconv_row3x3s1__reference),
      LOWBIT_ROW_3X3S2(qs8_dwconv_row3x3s2__reference),
      LOWBIT_ROW_5X5S1(qs8_dwconv_row5x5s1__reference),
      LOWBIT_ROW_5X5S2(qs8_dwconv_row5x5s2__reference),
      true, true, true}},
};

}  // namespace

KernelFamily<Qs8DwconvKernel> qs8_dwconv_variants() { return kernel_family(kQs8Dwconv); }

}  // namespace lowbit
