// The 16x8 GEMM family's tester: every variant this CPU runs against the
// reference over every k remainder of every vector step, channel counts
// around the four-channel tile, the extreme products (-32768 x -128) summed
// across the int32 block boundary, and random shapes.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/qs16_gemm.h"
#include "support/kernel_tester.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

enum class Values { kRandom, kExtreme, kAlternating };

struct GemmCase {
  size_t mr, nc, k;
  Values values;
};

void expect_matches(const KernelVariant<Qs16GemmFn>& row, Qs16GemmFn reference,
                    const GemmCase& c, std::mt19937& rng) {
  std::vector<int16_t> a(c.mr * c.k);
  std::vector<int8_t> w(c.nc * c.k);
  std::uniform_int_distribution<int> a_dist(-32768, 32767), w_dist(-128, 127);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = c.values == Values::kRandom ? int16_t(a_dist(rng))
           : c.values == Values::kExtreme ? int16_t(-32768)
                                          : int16_t(i % 2 ? 32767 : -32768);
  }
  for (size_t i = 0; i < w.size(); ++i) {
    w[i] = c.values == Values::kRandom ? int8_t(w_dist(rng)) : int8_t(i % 2 ? 127 : -128);
    if (c.values == Values::kExtreme) w[i] = -128;
  }
  std::vector<const int16_t*> rows(c.mr);
  for (size_t m = 0; m < c.mr; ++m) rows[m] = a.data() + m * c.k;
  std::vector<int64_t> want(c.mr * c.nc, 7), got(c.mr * c.nc, 7);
  reference(c.mr, c.nc, c.k, rows.data(), w.data(), want.data());
  row.fn(c.mr, c.nc, c.k, rows.data(), w.data(), got.data());
  INFO("mr " << c.mr << " nc " << c.nc << " k " << c.k << " values " << int(c.values));
  REQUIRE(got == want);
}

}  // namespace

TEST_CASE("qs16_gemm variants equal the reference", "[kernels][qs16]") {
  std::mt19937 rng(1616);
  for_each_variant("qs16_gemm", qs16_gemm_variants(),
                   [&](const KernelVariant<Qs16GemmFn>& row, Qs16GemmFn reference) {
    for (size_t k : lengths_through_remainders()) {
      for (size_t nc : {1, 3, 4, 5, 9}) {
        expect_matches(row, reference, {2, nc, k, Values::kRandom}, rng);
      }
    }
    // The largest products on both sides of the int32 block boundary.
    for (size_t k : {kQs16Int32Block - 1, kQs16Int32Block, kQs16Int32Block + 1,
                     3 * kQs16Int32Block + 17}) {
      for (Values v : {Values::kExtreme, Values::kAlternating, Values::kRandom}) {
        expect_matches(row, reference, {3, 5, k, v}, rng);
      }
    }
    for (int i = 0; i < 40; ++i) {
      const GemmCase c{1 + rng() % 7, 1 + rng() % 40, 1 + rng() % 700, Values::kRandom};
      expect_matches(row, reference, c, rng);
    }
  });
}

TEST_CASE("qs16 extreme sums are exact", "[kernels][qs16]") {
  // -32768 x -128 over three int32 blocks: 3 * 2048 * 2^22 = 3 * 2^33.
  const size_t k = 3 * kQs16Int32Block;
  std::vector<int16_t> a(k, -32768);
  std::vector<int8_t> w(k, -128);
  const int16_t* rows[] = {a.data()};
  int64_t acc = 0;
  ref::qs16_gemm__reference(1, 1, k, rows, w.data(), &acc);
  CHECK(acc == int64_t{3} << 33);
}
