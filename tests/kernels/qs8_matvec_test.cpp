// The int8 matrix-vector family's tester (kernels/qs8_matvec.h): every variant
// this CPU runs against the reference, bit for bit, for every row count 0..9
// (the four-row blocks and their remainders) and column counts through every
// remainder of 32, on random bytes and on the extremes whose int32 sums wrap.
// The row dot product families likewise, with row counts past the eight-row
// blocks (and the last rows whose tails cannot be read wide).
#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <vector>

#include "kernels/qs8_matvec.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

void expect_matvec_matches(const KernelVariant<ref::Qs8MatvecFn>& row, ref::Qs8MatvecFn reference,
                           size_t rows, size_t cols, const std::vector<int8_t>& matrix,
                           const std::vector<int8_t>& vector) {
  // One guard element past the sums: nothing may be written there.
  std::vector<int32_t> got(rows + 1, 0x5a5a5a5a), expected(rows + 1, 0x5a5a5a5a);
  row.fn(rows, cols, matrix.data(), vector.data(), got.data());
  reference(rows, cols, matrix.data(), vector.data(), expected.data());
  INFO("rows " << rows << " cols " << cols);
  CHECK(got == expected);
}

// Both matrices exactly rows x cols (no slack: a read past the end is an
// error under the sanitizers), sums with a guard element.
template <typename Fn, typename T>
void expect_rowdot_matches(const KernelVariant<Fn>& row, Fn reference, size_t rows, size_t cols,
                           const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<int32_t> got(rows + 1, 0x5a5a5a5a), expected(rows + 1, 0x5a5a5a5a);
  row.fn(rows, cols, a.data(), b.data(), got.data());
  reference(rows, cols, a.data(), b.data(), expected.data());
  INFO("rows " << rows << " cols " << cols);
  CHECK(got == expected);
}

template <typename T, typename Fn>
void check_rowdot_family(const char* name, const KernelFamily<Fn>& family) {
  for_each_variant(name, family, [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    constexpr int lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
    for (size_t rows = 0; rows <= 19; ++rows) {
      for (size_t cols = 0; cols <= 40; ++cols) {
        const auto a = random_ints<T>(rng, rows * cols, lo, hi);
        const auto b = random_ints<T>(rng, rows * cols, lo, hi);
        expect_rowdot_matches<Fn, T>(row, reference, rows, cols, a, b);
      }
    }
    // The minimum squared everywhere: int16 sums wrap after two columns (and
    // a vpmaddwd pair of them is exactly 2^31), int8 sums after 2^17.
    for (size_t cols : {size_t{2}, size_t{3}, size_t{17}, (size_t{1} << 17) + 5}) {
      const size_t rows = cols > 100 ? 3 : 11;
      const std::vector<T> a(rows * cols, T(lo));
      expect_rowdot_matches<Fn, T>(row, reference, rows, cols, a, a);
    }
  });
}

}  // namespace

TEST_CASE("qs8_matvec variants match the reference", "[kernels]") {
  for_each_variant("qs8_matvec", qs8_matvec_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (size_t rows = 0; rows <= 9; ++rows) {
      for (size_t cols = 0; cols <= 70; ++cols) {
        const auto matrix = random_ints<int8_t>(rng, rows * cols, -128, 127);
        const auto vector = random_ints<int8_t>(rng, cols, -128, 127);
        expect_matvec_matches(row, reference, rows, cols, matrix, vector);
      }
    }
    // -128 * -128 everywhere: 2^14 per column, so 2^17 + 5 columns wrap int32.
    const size_t long_cols = (size_t{1} << 17) + 5;
    expect_matvec_matches(row, reference, 5, long_cols, std::vector<int8_t>(5 * long_cols, -128),
                          std::vector<int8_t>(long_cols, -128));
  });
}

TEST_CASE("qs8_rowdot variants match the reference", "[kernels]") {
  check_rowdot_family<int8_t>("qs8_rowdot", qs8_rowdot_variants());
}

TEST_CASE("qs16_rowdot variants match the reference", "[kernels]") {
  check_rowdot_family<int16_t>("qs16_rowdot", qs16_rowdot_variants());
}
