// The int8 HARD_SWISH variants (kernels/qs8_hardswish.h): the reference only
// so far.
#include "kernels/qs8_hardswish.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8HardSwishFn> kQs8HardSwish[] = {
    {"qs8_hardswish__reference", "reference", 0, ref::qs8_hardswish__reference},
};

}  // namespace

KernelFamily<ref::Qs8HardSwishFn> qs8_hardswish_variants() { return kernel_family(kQs8HardSwish); }

}  // namespace lowbit
