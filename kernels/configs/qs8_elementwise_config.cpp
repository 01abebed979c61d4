// The int8 ADD and MUL variants (kernels/qs8_elementwise.h) this build has:
// each SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>).
// Best first; the reference last.
#include "kernels/qs8_elementwise.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8AddFn> kQs8Add[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"qs8_add__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW, qs8_add__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_add__avx2", "avx2", kCpuAVX2, qs8_add__avx2},
#endif
    {"qs8_add__reference", "reference", 0, ref::qs8_add__reference},
};

constexpr KernelVariant<ref::Qs8MulFn> kQs8Mul[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"qs8_mul__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW, qs8_mul__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_mul__avx2", "avx2", kCpuAVX2, qs8_mul__avx2},
#endif
    {"qs8_mul__reference", "reference", 0, ref::qs8_mul__reference},
};

}  // namespace

KernelFamily<ref::Qs8AddFn> qs8_add_variants() { return kernel_family(kQs8Add); }
KernelFamily<ref::Qs8MulFn> qs8_mul_variants() { return kernel_family(kQs8Mul); }

}  // namespace lowbit
