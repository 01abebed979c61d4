#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "kernels/bin_gemm.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
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
std::vector<int32_t> expected_popcounts(size_t mr, size_t nr, size_t taps, size_t tap_words,
                                        const std::vector<const uint32_t*>& a, uint32_t mask,
                                        const std::vector<uint32_t>& filter, size_t c_stride) {
  std::vector<int32_t> c(mr * c_stride, -1);
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
  return c;
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
