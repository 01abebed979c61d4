#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <vector>

#include "kernels/bin_gemm.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

// 64-byte aligned, zero-filled words.
struct AlignedWords {
  explicit AlignedWords(size_t n)
      : ptr(static_cast<uint32_t*>(std::aligned_alloc(64, (n * 4 + 63) / 64 * 64))) {
    std::fill(ptr, ptr + n, 0u);
  }
  ~AlignedWords() { std::free(ptr); }
  uint32_t* ptr;
};

}  // namespace

TEST_CASE("binary GEMM variants equal the scalar tile", "[kernels][bin_gemm]") {
  const CpuFeatures cpu = CpuFeatures::detect();
  size_t count = 0;
  const KernelVariant<BinGemmKernel>* variants = bin_gemm_variants(&count);
  REQUIRE(count >= 1);
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  int tested = 0;
  for (size_t v = 0; v < count; ++v) {
    const auto& variant = variants[v];
    if (!cpu.has(variant.required)) {
      WARN(variant.name << " not run: this CPU lacks its features");
      continue;
    }
    ++tested;
    INFO(variant.name);
    std::mt19937 rng(seed);
    const BinGemmKernel k = variant.fn;
    for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
      const size_t mr = 1 + rng() % k.mr;
      const size_t nr = 1 + rng() % k.nr;
      // Long enough rows to pass the AVX2 variant's byte-counter flush.
      const size_t k_words = k.k_align * (1 + rng() % (iter % 10 == 0 ? 80 : 8));
      const size_t a_stride = k_words + k.k_align * (rng() % 2);
      const size_t b_stride = k_words + k.k_align * (rng() % 2);
      const size_t c_stride = nr + rng() % 3;
      AlignedWords a(a_stride * k.mr), b(b_stride * k.nr);
      // Rows beyond mr stay allocated: kernels may read but must not use them.
      for (size_t i = 0; i < a_stride * mr; ++i) a.ptr[i] = static_cast<uint32_t>(rng());
      for (size_t i = 0; i < b_stride * nr; ++i) b.ptr[i] = static_cast<uint32_t>(rng());
      if (iter % 7 == 0) std::fill(a.ptr, a.ptr + k_words, 0xffffffffu);  // every bit set
      std::vector<int32_t> expected(mr * c_stride, -1), got(mr * c_stride, -1);
      bin_gemm_4x4__scalar(mr, nr, k_words, a.ptr, a_stride, b.ptr, b_stride, expected.data(),
                           c_stride);
      // The kernel sees B packed in its own layout; cells past nr stay untouched.
      AlignedWords block(bin_gemm_block_words(k, k_words));
      bin_gemm_pack_block(k, nr, k_words, b.ptr, b_stride, block.ptr);
      k.fn(mr, nr, k_words, a.ptr, a_stride, block.ptr, k_words, got.data(), c_stride);
      CAPTURE(mr, nr, k_words);
      REQUIRE(got == expected);
    }
  }
  CHECK(tested >= 1);
}

TEST_CASE("scalar binary GEMM counts differing bits", "[kernels][bin_gemm]") {
  AlignedWords a(16), b(32);
  a.ptr[0] = 0xF0F0F0F0u;  // 16 bits set
  b.ptr[0] = 0x0F0F0F0Fu;  // row 0 differs everywhere in word 0: 32
  b.ptr[16] = 0xF0F0F0F0u; // row 1 equal in word 0: 0
  b.ptr[16 + 15] = 0x7u;   // ... but 3 bits differ in the last word
  int32_t c[2] = {-1, -1};
  bin_gemm_4x4__scalar(1, 2, 16, a.ptr, 16, b.ptr, 16, c, 2);
  CHECK(c[0] == 32);
  CHECK(c[1] == 3);
}
