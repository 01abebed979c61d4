// The int8 SOFTMAX variants (kernels/qs8_softmax.h) this build has, per form
// (fixed point; float table): each SIMD row only where its ISA's files are
// compiled (variant_rows.h). Best first; the reference last.
#include "kernels/qs8_softmax.h"
#include "kernels/configs/variant_rows.h"

namespace lowbit {

LOWBIT_KERNEL_FAMILY(ref::Qs8SoftmaxFn, qs8_softmax, AVX2)
LOWBIT_KERNEL_FAMILY(ref::Qs8SoftmaxFn, qs8_softmax_table, AVX2)
LOWBIT_REFERENCE_FAMILY(ref::Qs8Qs16SoftmaxFn, qs8_qs16_softmax)
LOWBIT_REFERENCE_FAMILY(ref::Qs16SoftmaxFn, qs16_softmax)

}  // namespace lowbit
