#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_softmax.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

// Random rows: lengths around the 8- and 32-element steps up to 1100, input
// scales from tiny (few differences pass diff_min... all near 1.0) to large
// (most exps underflow to 0), rows of equal values and rows with one spike.
template <typename MakeParams>
void check_variant(ref::Qs8SoftmaxFn variant, ref::Qs8SoftmaxFn reference, MakeParams make) {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  // 512 equal values make every float-form probability exactly one half (a tie).
  const size_t lengths[] = {1, 2, 7, 8, 9, 10, 31, 32, 33, 100, 257, 512, 1001, 1100};
  int checked = 0;
  for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
    const float input_scale = std::pow(2.0f, std::uniform_real_distribution<float>(-9, 0)(rng));
    const float beta = rng() % 3 == 0 ? 1.0f : std::uniform_real_distribution<float>(0.2f, 3)(rng);
    ref::Qs8SoftmaxParams params;
    std::vector<float> float_table(256);
    std::vector<int32_t> fixed_table(kQs8SoftmaxFixedTableSize);
    if (!make(beta, input_scale, &params, float_table.data(), fixed_table.data())) continue;
    const size_t row_size = lengths[rng() % 14];
    const size_t rows = 1 + rng() % 3;
    CAPTURE(iter, input_scale, beta, row_size, rows);
    std::vector<int8_t> input(rows * row_size);
    const int kind = static_cast<int>(rng() % 4);
    for (auto& x : input) {
      x = kind == 0 ? int8_t(17) : static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
    }
    if (kind == 1) input[rng() % input.size()] = 127;
    std::vector<int8_t> expected(input.size(), 0x55), actual(input.size(), 0x55);
    reference(params, rows, row_size, input.data(), expected.data());
    variant(params, rows, row_size, input.data(), actual.data());
    REQUIRE(actual == expected);
    ++checked;
  }
  CHECK(checked > testing::scaled_iterations(300) / 2);
}

}  // namespace

#if defined(__x86_64__)
TEST_CASE("softmax avx2 variants match the reference", "[kernels][qs8_softmax]") {
  if (!CpuFeatures::detect().has(kCpuAVX2)) {
    WARN("softmax avx2 variants not run: this CPU lacks AVX2");
    return;
  }
  SECTION("fixed-point form (tflite_reference)") {
    check_variant(qs8_softmax__avx2, ref::qs8_softmax__reference,
                  [](float beta, float scale, ref::Qs8SoftmaxParams* p, float*, int32_t* fixed) {
                    if (!ref::make_qs8_softmax_params(beta, scale, p)) return false;
                    make_qs8_softmax_fixed_exp_table(*p, fixed);
                    p->fixed_exp_table = fixed;
                    return true;
                  });
  }
  SECTION("float-table form (single_rounding, xnnpack_fp32)") {
    check_variant(qs8_softmax_table__avx2, ref::qs8_softmax_table__reference,
                  [](float beta, float scale, ref::Qs8SoftmaxParams* p, float* table, int32_t*) {
                    ref::make_qs8_softmax_exp_table(beta, scale, table);
                    p->exp_table = table;
                    return true;
                  });
  }
}
#endif
