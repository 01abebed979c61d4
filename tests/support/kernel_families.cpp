#include "support/kernel_families.h"

#include "kernels/bin_gemm.h"
#include "kernels/bin_pack.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm.h"

namespace lowbit::testing {
namespace {

template <typename Fn>
void add(std::vector<KernelFamilyRows>* out, const char* family,
         const KernelVariant<Fn>* (*variants)(size_t*)) {
  size_t count = 0;
  const KernelVariant<Fn>* table = variants(&count);
  out->push_back(family_rows(family, table, count));
}

}  // namespace

std::vector<KernelFamilyRows> all_kernel_families() {
  std::vector<KernelFamilyRows> families;
  add(&families, "qs8_gemm", qs8_gemm_variants);
  add(&families, "qs8_dwconv", qs8_dwconv_variants);
  add(&families, "bin_gemm", bin_gemm_variants);
  add(&families, "bin_output", bin_output_variants);
  add(&families, "bin_pack_f32", bin_pack_f32_variants);
  add(&families, "bin_pack_s8", bin_pack_s8_variants);
  add(&families, "bin_maxpool2d", bin_maxpool2d_variants);
  return families;
}

}  // namespace lowbit::testing
