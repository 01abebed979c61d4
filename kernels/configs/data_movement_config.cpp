// The data movement variants (kernels/data_movement.h): the reference only so far.
#include "kernels/data_movement.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::StridedCopyFn> kMoveStrided[] = {
    {"move_strided__reference", "reference", 0, ref::move_strided__reference},
};
constexpr KernelVariant<ref::GatherFn> kMoveGather[] = {
    {"move_gather__reference", "reference", 0, ref::move_gather__reference},
};

}  // namespace

KernelFamily<ref::StridedCopyFn> move_strided_variants() { return kernel_family(kMoveStrided); }
KernelFamily<ref::GatherFn> move_gather_variants() { return kernel_family(kMoveGather); }

}  // namespace lowbit
