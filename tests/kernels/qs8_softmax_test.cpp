// The SOFTMAX families' tester (fixed-point form, float-table form): every
// variant this CPU runs against the reference over every row-length
// remainder, beta and input scale at their extremes (every exp near 1, or all
// but the maximum underflowing), rows of equal values (ties), alternating and
// spiked rows, then random rows.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_softmax.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// A form's parameters for (beta, input scale), with the tables they point to.
struct SoftmaxSetup {
  ref::Qs8SoftmaxParams params;
  std::vector<float> float_table = std::vector<float>(256);
  std::vector<int32_t> fixed_table = std::vector<int32_t>(kQs8SoftmaxFixedTableSize);
};

// False when the form cannot represent beta * scale (the operator refuses it).
bool make_fixed(float beta, float scale, SoftmaxSetup* s) {
  if (!ref::make_qs8_softmax_params(beta, scale, &s->params)) return false;
  make_qs8_softmax_fixed_exp_table(s->params, s->fixed_table.data());
  s->params.fixed_exp_table = s->fixed_table.data();
  return true;
}

bool make_table(float beta, float scale, SoftmaxSetup* s) {
  ref::make_qs8_softmax_exp_table(beta, scale, s->float_table.data());
  s->params.exp_table = s->float_table.data();
  return true;
}

struct Rows {
  size_t rows, row_size;
  Fill fill;
  bool spike = false;  // one 127 in an otherwise lower row
};

// Returns false when the form refused (beta, scale).
template <typename Make>
bool expect_reference(const KernelVariant<ref::Qs8SoftmaxFn>& row, ref::Qs8SoftmaxFn reference,
                      Make make, float beta, float scale, const Rows& r, std::mt19937& rng) {
  SoftmaxSetup s;
  if (!make(beta, scale, &s)) return false;
  CAPTURE(beta, scale, r.rows, r.row_size, int(r.fill), r.spike);
  auto input = filled<int8_t>(rng, r.rows * r.row_size, r.fill);
  if (r.spike) input[rng() % input.size()] = 127;
  GuardedOutput<int8_t> want(input.size()), got(input.size());
  reference(s.params, r.rows, r.row_size, input.data(), want.data());
  row.fn(s.params, r.rows, r.row_size, input.data(), got.data());
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
  return true;
}

// body(check) for each form; check(beta, scale, rows, rng) returns whether
// the form accepted (beta, scale).
template <typename Body>
void for_each_form(Body&& body) {
  auto run = [&](const char* name, KernelFamily<ref::Qs8SoftmaxFn> family, auto make) {
    for_each_variant(name, family, [&](const auto& row, ref::Qs8SoftmaxFn reference) {
      body([&](float beta, float scale, const Rows& r, std::mt19937& rng) {
        return expect_reference(row, reference, make, beta, scale, r, rng);
      });
    });
  };
  SECTION("fixed-point form (tflite_reference)") {
    run("qs8_softmax", qs8_softmax_variants(), make_fixed);
  }
  SECTION("float-table form (single_rounding, xnnpack_fp32)") {
    run("qs8_softmax_table", qs8_softmax_table_variants(), make_table);
  }
}

}  // namespace

TEST_CASE("softmax variants: every row-length remainder and fill", "[kernels][qs8_softmax]") {
  for_each_form([](auto check) {
    std::mt19937 rng(test_seed());
    std::vector<size_t> lengths = lengths_through_remainders();
    for (size_t n : {size_t{255}, size_t{256}, size_t{257}}) lengths.push_back(n);
    for (size_t n : lengths) {
      CHECK(check(1.0f, 0.05f, Rows{1 + n % 3, n, kFills[n % 4], n % 5 == 0}, rng));
    }
    // 512 equal values put every output at 256 / 512 = 0.5 steps: a tie.
    CHECK(check(1.0f, 0.05f, Rows{2, 512, Fill::kHighest}, rng));
  });
}

TEST_CASE("softmax variants: beta and input scale at their extremes", "[kernels][qs8_softmax]") {
  const float betas[] = {1e-6f, 1e-3f, 0.1f, 1.0f, 10.0f, 1e3f, 1e6f};
  const float scales[] = {0x1.0p-14f, 0x1.0p-8f, 0.1f, 1.0f, 16.0f};
  for_each_form([&](auto check) {
    std::mt19937 rng(test_seed() + 1);
    int accepted = 0;
    for (float beta : betas) {
      for (float scale : scales) {
        for (Fill fill : kFills) {
          accepted += check(beta, scale, Rows{2, 2 * kWidestVector + 1, fill, fill == Fill::kRandom},
                            rng);
        }
      }
    }
    CHECK(accepted > 0);
  });
}

TEST_CASE("softmax variants: random rows", "[kernels][qs8_softmax]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_form([&](auto check) {
    std::mt19937 rng(seed + 2);
    const size_t lengths[] = {1, 2, 7, 8, 9, 31, 32, 33, 100, 257, 1001};
    for (int iter = 0; iter < scaled_iterations(200); ++iter) {
      const float scale = std::exp2(std::uniform_real_distribution<float>(-9, 0)(rng));
      const float beta = rng() % 3 == 0 ? 1.0f : std::uniform_real_distribution<float>(0.2f, 3)(rng);
      CAPTURE(iter);
      check(beta, scale, Rows{1 + rng() % 3, lengths[rng() % 11], kFills[rng() % 4], rng() % 2 == 0},
            rng);
    }
  });
}
