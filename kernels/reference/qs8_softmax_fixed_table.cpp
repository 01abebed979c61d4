// The fixed-point SOFTMAX exp as a table over d = row_max - x, computed with
// the same fixed-point steps as kernels/reference/qs8_softmax.cpp.
#include "kernels/qs8_softmax.h"
#include "kernels/reference/qs8_logistic_fixedpoint.h"
#include "kernels/reference/requantize.h"

namespace lowbit {

void make_qs8_softmax_fixed_exp_table(const ref::Qs8SoftmaxParams& p,
                                      int32_t table[kQs8SoftmaxFixedTableSize]) {
  constexpr int kScaledDiffIntegerBits = 5, kAccumulationIntegerBits = 12;
  for (int32_t d = 0; d < 256; ++d) {
    const int32_t diff = -d;
    int32_t exp = 0;
    if (diff >= p.diff_min) {
      const int32_t lifted = diff * (int32_t{1} << p.input_left_shift);
      const int32_t scaled = ref::saturating_rounding_doubling_high_mul(lifted, p.input_multiplier);
      exp = ref::fixed_point::exp_on_negative_values(scaled, kScaledDiffIntegerBits);
    }
    table[d] = exp;
    table[256 + d] = ref::fixed_point::rescale(exp, 0, kAccumulationIntegerBits);
  }
}

}  // namespace lowbit
