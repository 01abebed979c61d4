// Every kernel family's variant table, reduced to what selection looks at
// (name, ISA tag, required features), so one test can walk all of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/isa.h"

namespace lowbit::testing {

struct VariantRow {
  std::string name;
  std::string isa;
  uint32_t required;
};

struct KernelFamilyRows {
  std::string family;
  std::vector<VariantRow> rows;  // best first, the reference last
};

template <typename Fn>
KernelFamilyRows family_rows(const char* family, KernelFamily<Fn> table) {
  KernelFamilyRows f{family, {}};
  for (const KernelVariant<Fn>& row : table) f.rows.push_back({row.name, row.isa, row.required});
  return f;
}

// Every table of every config in kernels/configs/.
std::vector<KernelFamilyRows> all_kernel_families();

}  // namespace lowbit::testing
