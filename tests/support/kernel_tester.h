// What every kernel family's tester shares (tests/kernels/*_test.cpp): walk the
// family's variant table (`<family>_variants()` from kernels/<family>.h), run
// each row the CPU has against the family's reference (the table's last row),
// say which rows ran and which this CPU lacks, and the enumerated edge cases
// that every family's SIMD loops must survive (every remainder of a vector
// width, zero points and clamps at the type limits, outputs written exactly).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/isa.h"
#include "lowbit/requant_profile.h"
#include "runtime/cpu_features.h"

namespace lowbit::testing {

// The widest vector any variant uses, in elements of one byte (AVX-512): a
// length sweep 1 .. 2 * kWidestVector + 1 meets every remainder of every
// step a SIMD loop takes (8, 16, 32 or 64 lanes), twice.
constexpr size_t kWidestVector = 64;

// 1 .. 2 * width + 1, then a few lengths far beyond it.
inline std::vector<size_t> lengths_through_remainders(size_t width = kWidestVector) {
  std::vector<size_t> lengths;
  for (size_t n = 1; n <= 2 * width + 1; ++n) lengths.push_back(n);
  for (size_t n : {4 * width - 1, 4 * width + 3, size_t{1000}}) lengths.push_back(n);
  return lengths;
}

// The profiles the SIMD variants implement: all of them.
constexpr RequantProfile kSimdProfiles[] = {
    RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
    RequantProfile::kXnnpackFp32, RequantProfile::kTfliteOptimized};

template <typename T>
constexpr int32_t lowest() {
  return std::numeric_limits<T>::min();
}
template <typename T>
constexpr int32_t highest() {
  return std::numeric_limits<T>::max();
}

// Zero points a tester sweeps: both limits of the type, the middle, and one
// random value.
template <typename T>
std::vector<int32_t> edge_zero_points(std::mt19937& rng) {
  const int32_t lo = lowest<T>(), hi = highest<T>();
  return {lo, hi, (lo + hi + 1) / 2, lo + static_cast<int32_t>(rng() % uint32_t(hi - lo + 1))};
}

// Input contents a tester sweeps: random, all at the lowest value, all at the
// highest, and alternating the two (the largest differences between lanes).
enum class Fill { kRandom, kLowest, kHighest, kAlternating };
constexpr Fill kFills[] = {Fill::kRandom, Fill::kLowest, Fill::kHighest, Fill::kAlternating};

template <typename T>
std::vector<T> filled(std::mt19937& rng, size_t n, Fill fill) {
  std::vector<T> v(n);
  std::uniform_int_distribution<int32_t> any(lowest<T>(), highest<T>());
  for (size_t i = 0; i < n; ++i) {
    switch (fill) {
      case Fill::kRandom: v[i] = static_cast<T>(any(rng)); break;
      case Fill::kLowest: v[i] = static_cast<T>(lowest<T>()); break;
      case Fill::kHighest: v[i] = static_cast<T>(highest<T>()); break;
      case Fill::kAlternating: v[i] = static_cast<T>(i % 2 ? highest<T>() : lowest<T>()); break;
    }
  }
  return v;
}

// Output clamps a tester sweeps: none, a fused ReLU at the zero point, the
// degenerate one-value ranges at either limit, and a random narrow range.
template <typename T>
std::vector<std::pair<int32_t, int32_t>> edge_clamps(std::mt19937& rng, int32_t zero_point) {
  const int32_t lo = lowest<T>(), hi = highest<T>();
  const int32_t a = lo + static_cast<int32_t>(rng() % uint32_t(hi - lo + 1));
  const int32_t b = lo + static_cast<int32_t>(rng() % uint32_t(hi - lo + 1));
  return {{lo, hi}, {zero_point, hi}, {lo, lo}, {hi, hi}, {std::min(a, b), std::max(a, b)}};
}

// An output buffer with a guard band after it: a kernel must write exactly
// its n outputs (the guard stays at its canary) and every one of them.
template <typename T>
class GuardedOutput {
 public:
  explicit GuardedOutput(size_t n) : n_(n), data_(n + kGuard, kCanary) {}
  T* data() { return data_.data(); }
  std::vector<T> values() const { return std::vector<T>(data_.begin(), data_.begin() + n_); }
  bool guard_intact() const {
    for (size_t i = n_; i < data_.size(); ++i) {
      if (data_[i] != kCanary) return false;
    }
    return true;
  }

 private:
  static constexpr size_t kGuard = 64;
  static constexpr T kCanary = static_cast<T>(0x55);
  size_t n_;
  std::vector<T> data_;
};

// Elements a tile of `rows` rows of `cols` outputs, `stride` apart, spans:
// the last row ends at its last output, so a guard band after it catches a
// kernel that writes a whole stride there.
inline size_t strided_extent(size_t rows, size_t cols, size_t stride) {
  return rows == 0 ? 0 : (rows - 1) * stride + cols;
}

// write_want(out) and write_got(out) each fill a guarded buffer of n
// elements (canaries until written): got must equal want everywhere, so
// the gaps between strided rows stay untouched too, and leave the guard.
template <typename T, typename WriteWant, typename WriteGot>
void expect_same_writes(size_t n, WriteWant&& write_want, WriteGot&& write_got) {
  GuardedOutput<T> want(n), got(n);
  write_want(want.data());
  write_got(got.data());
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
}

// Calls check(row, reference_fn) for every row of `family` this CPU runs
// (the reference too: on a CPU without SIMD rows the edge cases still run),
// warns about each row it lacks, prints which ran, and with
// LOWBIT_EXPECT_ALL_VARIANTS=1 (scripts/test-arm.sh on CPUs with every
// feature) fails if any was skipped.
template <typename Fn, typename Check>
void for_each_variant(const char* family_name, KernelFamily<Fn> family, Check&& check) {
  REQUIRE(family.count >= 1);
  const Fn reference = family[family.count - 1].fn;
  const CpuFeatures cpu = CpuFeatures::detect();
  std::string ran, skipped;
  for (const KernelVariant<Fn>& row : family) {
    if (!cpu.has(row.required)) {
      WARN(row.name << " not run: this CPU lacks its features");
      skipped += std::string(skipped.empty() ? "" : " ") + row.name;
      continue;
    }
    INFO("variant " << row.name);
    check(row, reference);
    ran += std::string(ran.empty() ? "" : " ") + row.name;
  }
  std::cout << "tester " << family_name << ": ran " << ran
            << (skipped.empty() ? "" : "; not on this CPU: " + skipped) << "\n";
  CHECK(!ran.empty());
  const char* expect_all = std::getenv("LOWBIT_EXPECT_ALL_VARIANTS");
  if (expect_all != nullptr && std::string(expect_all) == "1") CHECK(skipped.empty());
}

// For families of the form fn(params, n, input, output): the row against the
// reference on `input`, every output written and nothing after them.
template <typename Params, typename In, typename Out>
void expect_unary_matches(const KernelVariant<void (*)(const Params&, size_t, const In*, Out*)>& row,
                          void (*reference)(const Params&, size_t, const In*, Out*),
                          const Params& params, const std::vector<In>& input) {
  CAPTURE(input.size());
  GuardedOutput<Out> want(input.size()), got(input.size());
  reference(params, input.size(), input.data(), want.data());
  row.fn(params, input.size(), input.data(), got.data());
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
}

// The same with the outputs compared bit for bit: float outputs whose zeros'
// signs or NaN payloads must match too.
template <typename Params, typename In, typename Out>
void expect_unary_bits_match(
    const KernelVariant<void (*)(const Params&, size_t, const In*, Out*)>& row,
    void (*reference)(const Params&, size_t, const In*, Out*), const Params& params,
    const std::vector<In>& input) {
  CAPTURE(input.size());
  GuardedOutput<Out> want(input.size()), got(input.size());
  reference(params, input.size(), input.data(), want.data());
  row.fn(params, input.size(), input.data(), got.data());
  REQUIRE(got.guard_intact());
  const std::vector<Out> w = want.values(), g = got.values();
  // The first differing element is named; a CAPTURE for every element would
  // format its values each time (most of this check's time under qemu).
  size_t i = 0;
  while (i < w.size() && std::memcmp(&w[i], &g[i], sizeof(Out)) == 0) ++i;
  if (i < w.size()) {
    CAPTURE(i, input[i], w[i], g[i]);
    REQUIRE(std::memcmp(&w[i], &g[i], sizeof(Out)) == 0);
  }
}

}  // namespace lowbit::testing
