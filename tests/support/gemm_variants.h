// The qs8 GEMM variants the kernel tests run: the selection table, plus on
// x86 the EVEX build of the AVX-VNNI kernel, so that kernel's logic runs on
// CPUs with AVX512-VNNI but no AVX-VNNI (AMD Zen 4). Where the CPU has
// AVX-VNNI, the table's own row runs too.
#pragma once

#include <vector>

#include "kernels/qs8_gemm.h"

namespace lowbit::testing {

inline std::vector<KernelVariant<Qs8GemmKernel>> qs8_gemm_variants_under_test() {
  const auto [table, count] = qs8_gemm_variants();
  std::vector<KernelVariant<Qs8GemmKernel>> variants(table, table + count);
#if defined(__x86_64__)
  for (size_t v = 0; v < count; ++v) {
    if (table[v].fn.fn != qs8_gemm_4x8c4__avxvnni) continue;
    // The reference stays last.
    variants.insert(variants.end() - 1, qs8_gemm_avxvnni_evex_row(table[v]));
  }
#endif
  return variants;
}

}  // namespace lowbit::testing
