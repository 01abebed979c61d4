// The int8 LOGISTIC variants (kernels/qs8_logistic.h), per form (fixed point;
// table): the reference only so far.
#include "kernels/qs8_logistic.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::Qs8LogisticFn> kQs8Logistic[] = {
    {"qs8_logistic__reference", "reference", 0, ref::qs8_logistic__reference},
};
constexpr KernelVariant<ref::Qs8TableFn> kQs8LogisticTable[] = {
    {"qs8_logistic_table__reference", "reference", 0, ref::qs8_logistic_table__reference},
};

}  // namespace

KernelFamily<ref::Qs8LogisticFn> qs8_logistic_variants() { return kernel_family(kQs8Logistic); }
KernelFamily<ref::Qs8TableFn> qs8_logistic_table_variants() {
  return kernel_family(kQs8LogisticTable);
}

}  // namespace lowbit
