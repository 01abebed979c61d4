// The data movement variants (kernels/copy.h): the reference only so far.
#include "kernels/copy.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::PadFn> kCopyPad[] = {
    {"copy_pad__reference", "reference", 0, ref::copy_pad__reference},
};
constexpr KernelVariant<ref::CopyFn> kCopyBytes[] = {
    {"copy_bytes__reference", "reference", 0, ref::copy_bytes__reference},
};
constexpr KernelVariant<ref::ConcatFn> kCopyConcat[] = {
    {"copy_concat__reference", "reference", 0, ref::copy_concat__reference},
};

}  // namespace

KernelFamily<ref::PadFn> copy_pad_variants() { return kernel_family(kCopyPad); }
KernelFamily<ref::CopyFn> copy_bytes_variants() { return kernel_family(kCopyBytes); }
KernelFamily<ref::ConcatFn> copy_concat_variants() { return kernel_family(kCopyConcat); }

}  // namespace lowbit
