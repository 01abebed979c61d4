// MAX_POOL_2D: maximum over the window taps inside the image, then the fused
// activation clamp.
#include <iterator>

#include "kernels/qs8_pool.h"
#include "ops/pool2d_common.h"

namespace lowbit {
namespace {

// Best first; the reference last (it needs nothing).
const KernelVariant<ref::Qs8Pool2dFn> kQs8Variants[] = {
#if defined(__x86_64__)
    {"qs8_max_pool2d__avx2", "avx2", kCpuAVX2, qs8_max_pool2d__avx2},
#endif
    {"qs8_max_pool2d__reference", "reference", 0, ref::qs8_max_pool2d__reference},
};
const KernelVariant<ref::Qu8Pool2dFn> kQu8Variants[] = {
#if defined(__x86_64__)
    {"qu8_max_pool2d__avx2", "avx2", kCpuAVX2, qu8_max_pool2d__avx2},
#endif
    {"qu8_max_pool2d__reference", "reference", 0, ref::qu8_max_pool2d__reference},
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_pool2d(graph, op,
                       {kQs8Variants, std::size(kQs8Variants), kQu8Variants, std::size(kQu8Variants)});
}

}  // namespace

LOWBIT_REGISTER_OP(MaxPool2D, validate_pool2d, create)

}  // namespace lowbit
