// Reference kernels called directly: strides and row ranges (the contract
// operators rely on to split work), and the accuracy of the fixed-point
// helpers against the real functions.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "kernels/reference/copy_tensor.h"
#include "kernels/reference/qs8_elementwise.h"
#include "kernels/reference/qs8_logistic_fixedpoint.h"
#include "kernels/reference/qs8_softmax.h"
#include "lowbit/interpreter.h"
#include "ops/add_elementwise_util.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("fixed-point exp and reciprocal are accurate to 1e-6", "[kernels][softmax][logistic]") {
  for (int integer_bits : {4, 5}) {
    for (double x = 0.0; x > -16.0; x -= 0.013) {
      const int32_t raw = static_cast<int32_t>(std::lround(x * std::ldexp(1.0, 31 - integer_bits)));
      const double real = raw * std::ldexp(1.0, integer_bits - 31);
      const double got = ref::fixed_point::exp_on_negative_values(raw, integer_bits) / 2147483648.0;
      CAPTURE(integer_bits, real);
      CHECK(std::fabs(got - std::exp(real)) < 1e-6);
    }
  }
  for (double x = 0.0; x < 1.0; x += 0.0071) {
    const int32_t raw = static_cast<int32_t>(std::lround(x * 2147483648.0));
    const double got = ref::fixed_point::one_over_one_plus_x_for_x_in_0_1(raw) / 2147483648.0;
    CAPTURE(x);
    CHECK(std::fabs(got - 1.0 / (1.0 + raw / 2147483648.0)) < 1e-6);
  }
}

TEST_CASE("qs8_add__reference honours input strides", "[kernels][add]") {
  // Unit scales on both sides: input multipliers 1/2, output multiplier 2^-19.
  ref::Qs8AddParams p;
  p.profile = RequantProfile::kTfliteReference;
  p.a = ref::make_requantizer(p.profile, 0.5, 0.0f);
  p.b = ref::make_requantizer(p.profile, 0.5, 0.0f);
  p.output = ref::make_requantizer(p.profile, 1.0 / (1 << 19), 0.0f);
  const int8_t a[] = {1, 2, 3, 4};
  const int8_t b[] = {10};
  int8_t out[4];
  ref::qs8_add__reference(p, 4, a, 1, b, 0, out);
  CHECK(std::vector<int8_t>(out, out + 4) == std::vector<int8_t>{11, 12, 13, 14});
  ref::qs8_add__reference(p, 2, a, 2, a + 1, 2, out);  // 1+2, 3+4
  CHECK(std::vector<int8_t>(out, out + 2) == std::vector<int8_t>{3, 7});
}

TEST_CASE("copy_pad and copy_concat give the same bytes for any split of rows",
          "[kernels][pad][concatenation]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  ref::PadParams p;
  p.rank = 3;
  p.element_size = 2;
  const int64_t in_dims[] = {3, 4, 5}, before[] = {1, 0, 2}, after[] = {0, 2, 1};
  for (int d = 0; d < 3; ++d) {
    p.input_dims[d] = in_dims[d];
    p.pad_before[d] = before[d];
    p.output_dims[d] = in_dims[d] + before[d] + after[d];
  }
  p.fill[0] = 0xAB;
  p.fill[1] = 0xCD;
  const auto input = random_ints<uint8_t>(rng, 3 * 4 * 5 * 2, 0, 255);
  const size_t rows = 4 * 6, row_bytes = 8 * 2;
  std::vector<uint8_t> whole(rows * row_bytes), split(rows * row_bytes);
  ref::copy_pad__reference(p, input.data(), whole.data(), 0, rows);
  for (size_t begin = 0; begin < rows;) {
    const size_t end = std::min(rows, begin + 1 + rng() % 5);
    ref::copy_pad__reference(p, input.data(), split.data(), begin, end);
    begin = end;
  }
  CHECK(split == whole);
  // Spot checks: row 0 is all padding; row 6 (output [1,0]) = fill x2,
  // input row 0, fill x1.
  CHECK(whole[0] == 0xAB);
  CHECK(whole[1] == 0xCD);
  CHECK(std::equal(input.begin(), input.begin() + 10, whole.begin() + 6 * row_bytes + 4));

  const size_t blocks[] = {3, 1};
  ref::ConcatParams c;
  c.num_inputs = 2;
  c.element_size = 1;
  c.block_elements = blocks;
  c.output_block_elements = 4;
  const auto x0 = random_ints<uint8_t>(rng, 30, 0, 255), x1 = random_ints<uint8_t>(rng, 10, 0, 255);
  const void* inputs[] = {x0.data(), x1.data()};
  std::vector<uint8_t> cat_whole(40), cat_split(40);
  ref::copy_concat__reference(c, inputs, cat_whole.data(), 0, 10);
  ref::copy_concat__reference(c, inputs, cat_split.data(), 0, 3);
  ref::copy_concat__reference(c, inputs, cat_split.data(), 3, 10);
  CHECK(cat_split == cat_whole);
  CHECK(cat_whole[4 * 7 + 3] == x1[7]);
  CHECK(cat_whole[4 * 7 + 1] == x0[3 * 7 + 1]);
}

TEST_CASE("BroadcastPlan merges dimensions and covers every output once", "[kernels][add]") {
  ThreadPool pool(1);
  struct Case {
    Shape a, b, out;
    size_t rows, inner;
  };
  // Equal shapes collapse to one row; a trailing broadcast keeps rows.
  const Case cases[] = {{Shape{2, 3, 4}, Shape{2, 3, 4}, Shape{2, 3, 4}, 1, 24},
                        {Shape{2, 3, 4}, Shape{4}, Shape{2, 3, 4}, 6, 4},
                        {Shape{2, 1, 4}, Shape{3, 1}, Shape{2, 3, 4}, 6, 4},
                        {Shape{5}, Shape{1}, Shape{5}, 1, 5}};
  for (const Case& c : cases) {
    CAPTURE(c.a.to_string(), c.b.to_string());
    BroadcastPlan plan(c.a, c.b, c.out);
    CHECK(plan.rows() == c.rows);
    CHECK(plan.inner() == c.inner);
    std::vector<int> hits(c.out.num_elements(), 0);
    plan.run(pool, [&](size_t o, size_t, size_t, size_t n) {
      for (size_t i = 0; i < n; ++i) ++hits[o + i];
    });
    CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
}
