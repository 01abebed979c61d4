// The unpacking variants (kernels/bin_pack.h) this build has: the reference
// only so far.
#include "kernels/bin_pack.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::BinUnpackF32Fn> kBinUnpackF32[] = {
    {"f32_unpack__reference", "reference", 0, ref::bin_unpack_f32},
};

constexpr KernelVariant<ref::BinUnpackS8Fn> kBinUnpackS8[] = {
    {"qs8_unpack__reference", "reference", 0, ref::bin_unpack_s8},
};

}  // namespace

KernelFamily<ref::BinUnpackF32Fn> bin_unpack_f32_variants() { return kernel_family(kBinUnpackF32); }
KernelFamily<ref::BinUnpackS8Fn> bin_unpack_s8_variants() { return kernel_family(kBinUnpackS8); }

}  // namespace lowbit
