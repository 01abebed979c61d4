// The int8 SOFTMAX variants (kernels/qs8_softmax.h) this build has, per form
// (fixed point; float table): each SIMD row only where its ISA's files are
// compiled (LOWBIT_HAVE_<ISA>). Best first; the reference last.
#include "kernels/qs8_softmax.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8SoftmaxFn> kQs8Softmax[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_softmax__avx2", "avx2", kCpuAVX2, qs8_softmax__avx2},
#endif
    {"qs8_softmax__reference", "reference", 0, ref::qs8_softmax__reference},
};
constexpr KernelVariant<ref::Qs8SoftmaxFn> kQs8SoftmaxTable[] = {
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_softmax_table__avx2", "avx2", kCpuAVX2, qs8_softmax_table__avx2},
#endif
    {"qs8_softmax_table__reference", "reference", 0, ref::qs8_softmax_table__reference},
};

}  // namespace

KernelFamily<ref::Qs8SoftmaxFn> qs8_softmax_variants() { return kernel_family(kQs8Softmax); }
KernelFamily<ref::Qs8SoftmaxFn> qs8_softmax_table_variants() {
  return kernel_family(kQs8SoftmaxTable);
}

}  // namespace lowbit
