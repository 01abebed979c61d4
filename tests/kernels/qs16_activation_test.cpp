// The int16 (16x8) LOGISTIC and TANH families' tester: every variant this CPU
// runs against the reference on all 65536 inputs, for the power-of-two input
// scales (no shift; TANH's 2^-11 too) and general scales of every shift, and
// on every length remainder.
#include <catch2/catch.hpp>

#include <vector>

#include "kernels/qs8_math.h"
#include "support/kernel_tester.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("int16 LOGISTIC and TANH variants: every input, scale and length",
          "[kernels][qs16_activation]") {
  std::vector<int16_t> every(65536);
  for (int i = 0; i < 65536; ++i) every[size_t(i)] = static_cast<int16_t>(i - 32768);
  const float scales[] = {1.0f / 4096, 1.0f / 2048, 3.3e-4f, 1e-5f, 1e-2f, 4.0f};
  for (const bool tanh : {false, true}) {
    for_each_variant(tanh ? "qs16_tanh" : "qs16_logistic",
                     tanh ? qs16_tanh_variants() : qs16_logistic_variants(),
                     [&](const auto& row, auto reference) {
                       for (float scale : scales) {
                         CAPTURE(scale);
                         const auto p = ref::make_qs16_sigmoid_params(scale, tanh);
                         expect_unary_matches(row, reference, p, every);
                         for (size_t n : lengths_through_remainders(16)) {
                           const std::vector<int16_t> part(every.begin() + 30000,
                                                           every.begin() + 30000 + long(n));
                           expect_unary_matches(row, reference, p, part);
                         }
                       }
                     });
  }
}
