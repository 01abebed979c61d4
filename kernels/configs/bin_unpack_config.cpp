// The unpacking variants (kernels/bin_pack.h) this build has: the reference
// only so far.
#include "kernels/bin_pack.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::BinUnpackF32Fn> kBinUnpackF32[] = {
    {"bin_unpack_f32__reference", "reference", 0, ref::bin_unpack_f32__reference},
};

constexpr KernelVariant<ref::BinUnpackQs8Fn> kBinUnpackQs8[] = {
    {"bin_unpack_qs8__reference", "reference", 0, ref::bin_unpack_qs8__reference},
};

}  // namespace

KernelFamily<ref::BinUnpackF32Fn> bin_unpack_f32_variants() { return kernel_family(kBinUnpackF32); }
KernelFamily<ref::BinUnpackQs8Fn> bin_unpack_qs8_variants() { return kernel_family(kBinUnpackQs8); }

}  // namespace lowbit
