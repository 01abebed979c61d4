// MAX_POOL_2D: maximum over the window taps inside the image, then the fused
// activation clamp.
#include "ops/pool2d_common.h"

namespace lowbit {
namespace {

const KernelVariant<ref::Qs8Pool2dFn> kQs8Variants[] = {
    {"qs8_max_pool2d__reference", "reference", 0, ref::qs8_max_pool2d__reference},
};
const KernelVariant<ref::Qu8Pool2dFn> kQu8Variants[] = {
    {"qu8_max_pool2d__reference", "reference", 0, ref::qu8_max_pool2d__reference},
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_pool2d(graph, op, {kQs8Variants, 1, kQu8Variants, 1});
}

}  // namespace

const OpRegistration kMaxPool2DOp = {OpType::kMaxPool2D, validate_pool2d, create};

}  // namespace lowbit
