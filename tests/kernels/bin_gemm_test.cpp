#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "kernels/bin_gemm.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

// 64-byte aligned, zero-filled words.
struct AlignedWords {
  explicit AlignedWords(size_t n)
      : ptr(static_cast<uint32_t*>(std::aligned_alloc(64, (n * 4 + 63) / 64 * 64 + 64))) {
    std::fill(ptr, ptr + n, 0u);
  }
  ~AlignedWords() { std::free(ptr); }
  uint32_t* ptr;
};

// The definition, straight from unpacked rows: filter[n][t][w] (pad bits
// cleared), A rows through a[t*mr + m], last word of each A run masked.
void expected_popcounts_into(size_t mr, size_t nr, size_t taps, size_t tap_words,
                             const std::vector<const uint32_t*>& a, uint32_t mask,
                             const std::vector<uint32_t>& filter, int32_t* c, size_t c_stride) {
  for (size_t m = 0; m < mr; ++m) {
    for (size_t n = 0; n < nr; ++n) {
      int32_t sum = 0;
      for (size_t t = 0; t < taps; ++t) {
        for (size_t w = 0; w < tap_words; ++w) {
          const uint32_t x = a[t * mr + m][w] & (w + 1 == tap_words ? mask : ~0u);
          sum += __builtin_popcount(x ^ filter[(n * taps + t) * tap_words + w]);
        }
      }
      c[m * c_stride + n] = sum;
    }
  }
}

std::vector<int32_t> expected_popcounts(size_t mr, size_t nr, size_t taps, size_t tap_words,
                                        const std::vector<const uint32_t*>& a, uint32_t mask,
                                        const std::vector<uint32_t>& filter, size_t c_stride) {
  std::vector<int32_t> c(mr * c_stride, -1);
  expected_popcounts_into(mr, nr, taps, tap_words, a, mask, filter, c.data(), c_stride);
  return c;
}

// Words of a bit-packed row filled as `fill` says: random, all zeros, all
// ones (pad bits included, which the kernel must mask) or alternating.
std::vector<uint32_t> filled_words(std::mt19937& rng, size_t n, testing::Fill fill) {
  std::vector<uint32_t> words(n);
  for (uint32_t& w : words) {
    switch (fill) {
      case testing::Fill::kRandom: w = static_cast<uint32_t>(rng()); break;
      case testing::Fill::kLowest: w = 0u; break;
      case testing::Fill::kHighest: w = ~0u; break;
      case testing::Fill::kAlternating: w = 0xAAAAAAAAu; break;
    }
  }
  return words;
}

// One tile of mr x nr outputs, c_stride apart, over `taps` taps of `bits`
// bits each (the last word masked to its bits); every fourth A run (from
// `phase`) is the shared zero row of a padding tap. Exact against the
// definition, nothing written outside the tile.
void expect_edge_tile(std::mt19937& rng, const BinGemmKernel& k, size_t mr, size_t nr,
                      size_t taps, size_t bits, size_t c_stride, size_t phase, testing::Fill fill) {
  const size_t tap_words = (bits + 31) / 32;
  const uint32_t mask = bits % 32 ? (1u << (bits % 32)) - 1 : ~0u;
  const std::vector<uint32_t> zero(tap_words, 0u);
  std::vector<std::vector<uint32_t>> storage;
  std::vector<const uint32_t*> a(taps * mr);
  for (size_t i = 0; i < a.size(); ++i) {
    if ((i + phase) % 4 == 3) {
      a[i] = zero.data();
      continue;
    }
    storage.push_back(filled_words(rng, tap_words, fill));
    a[i] = storage.back().data();
  }
  std::vector<uint32_t> filter = filled_words(rng, nr * taps * tap_words, testing::Fill::kRandom);
  for (size_t i = tap_words - 1; i < filter.size(); i += tap_words) filter[i] &= mask;
  AlignedWords block(bin_gemm_block_words(k, taps, tap_words));
  bin_gemm_pack_block(k, nr, taps, tap_words, filter.data(), taps * tap_words, tap_words,
                      block.ptr);
  INFO("M " << mr << " N " << nr << " taps " << taps << " bits " << bits << " c_stride "
            << c_stride);
  testing::expect_same_writes<int32_t>(
      testing::strided_extent(mr, nr, c_stride),
      [&](int32_t* c) {
        expected_popcounts_into(mr, nr, taps, tap_words, a, mask, filter, c, c_stride);
      },
      [&](int32_t* c) { k.fn(mr, nr, taps, tap_words, a.data(), mask, block.ptr, c, c_stride); });
}

}  // namespace

TEST_CASE("binary GEMM variants equal the definition through row pointers",
          "[kernels][bin_gemm]") {
  REQUIRE(bin_gemm_variants().count >= 1);
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const int tested = testing::for_each_runnable_variant(
      bin_gemm_variants(), [&](const KernelVariant<BinGemmKernel>& variant) {
    std::mt19937 rng(seed);
    const BinGemmKernel k = variant.fn;
    for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
      const size_t mr = 1 + rng() % k.mr;
      const size_t nr = 1 + rng() % k.nr;
      const size_t taps = 1 + rng() % (iter % 3 == 0 ? 9 : 3);
      // Odd and even word counts; some long enough to pass the AVX2 byte-counter flush.
      const size_t tap_words = 1 + rng() % (iter % 10 == 0 ? 80 : 9);
      const uint32_t bits = rng() % 32;
      const uint32_t mask = iter % 2 == 0 || bits == 0 ? ~0u : (1u << bits) - 1;
      const size_t c_stride = nr + rng() % 3;
      CAPTURE(mr, nr, taps, tap_words, mask);
      // Every A run its own exact-size allocation (sanitizers catch over-reads);
      // some point at one shared zero row, as padding taps do; pad bits random.
      std::vector<std::unique_ptr<uint32_t[]>> storage;
      std::vector<const uint32_t*> a(taps * mr);
      const std::vector<uint32_t> zero(tap_words, 0u);
      for (size_t i = 0; i < a.size(); ++i) {
        if (rng() % 5 == 0) {
          a[i] = zero.data();
          continue;
        }
        storage.emplace_back(new uint32_t[tap_words]);
        for (size_t w = 0; w < tap_words; ++w) storage.back()[w] = static_cast<uint32_t>(rng());
        if (iter % 7 == 0) std::fill(storage.back().get(), storage.back().get() + tap_words, ~0u);
        a[i] = storage.back().get();
      }
      std::vector<uint32_t> filter(nr * taps * tap_words);
      for (size_t i = 0; i < filter.size(); ++i) {
        filter[i] = static_cast<uint32_t>(rng()) & ((i + 1) % tap_words == 0 ? mask : ~0u);
      }
      const std::vector<int32_t> expected =
          expected_popcounts(mr, nr, taps, tap_words, a, mask, filter, c_stride);
      AlignedWords block(bin_gemm_block_words(k, taps, tap_words));
      bin_gemm_pack_block(k, nr, taps, tap_words, filter.data(), taps * tap_words, tap_words,
                          block.ptr);
      std::vector<int32_t> got(mr * c_stride, -1);  // cells past nr stay untouched
      k.fn(mr, nr, taps, tap_words, a.data(), mask, block.ptr, got.data(), c_stride);
      REQUIRE(got == expected);
    }
  });
  CHECK(tested >= 1);
}

// Every bit depth through two 64-bit steps and past (each remainder of a
// 32-bit word and of a 64-bit step, and depths long enough for the byte
// counters to flush) with M, N, taps and fills rotating; then every M and N
// remainder of the tile at depths around the word and step boundaries.
TEST_CASE("binary GEMM variants: every bit-depth remainder, every M and N, padding taps",
          "[kernels][bin_gemm]") {
  testing::for_each_runnable_variant(
      bin_gemm_variants(), [&](const KernelVariant<BinGemmKernel>& variant) {
    const BinGemmKernel k = variant.fn;
    std::mt19937 rng(testing::test_seed());
    std::vector<size_t> depths = testing::lengths_through_remainders(64);
    depths.push_back(32 * 129 + 5);
    size_t i = 0;
    for (size_t bits : depths) {
      const size_t mr = 1 + i % k.mr, nr = 1 + (i * 5) % k.nr;
      expect_edge_tile(rng, k, mr, nr, 1 + i % 3, bits, nr + i % 2 * 3, i,
                       testing::kFills[(i / 2) % 4]);
      ++i;
    }
    for (size_t mr = 1; mr <= k.mr; ++mr) {
      for (size_t nr = 1; nr <= k.nr; ++nr) {
        for (size_t bits : {1, 32, 33, 64, 65, 1000}) {
          expect_edge_tile(rng, k, mr, nr, 1 + i % 3, bits, nr + i % 2 * 3, i,
                           testing::kFills[(i / 2) % 4]);
          ++i;
        }
      }
    }
  });
}

TEST_CASE("scalar binary GEMM counts differing bits", "[kernels][bin_gemm]") {
  const BinGemmKernel k{bin_gemm_4x4c2__reference, 4, 4};
  // One tap of three words; channel 0 differs everywhere in word 0 (32), channel 1
  // only in 3 bits of the last word, of which the mask keeps 2.
  const uint32_t a_row[3] = {0xF0F0F0F0u, 0u, 0x0u};
  const uint32_t filter[6] = {0x0F0F0F0Fu, 0u, 0u, 0xF0F0F0F0u, 0u, 0x7u & 0x3u};
  AlignedWords block(bin_gemm_block_words(k, 1, 3));
  bin_gemm_pack_block(k, 2, 1, 3, filter, 3, 3, block.ptr);
  const uint32_t* a[1] = {a_row};
  int32_t c[2] = {-1, -1};
  bin_gemm_4x4c2__reference(1, 2, 1, 3, a, 0x3u, block.ptr, c, 2);
  CHECK(c[0] == 32);
  CHECK(c[1] == 2);
}
