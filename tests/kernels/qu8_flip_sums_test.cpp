// The legacy uint8 flip with pixel sums (Qs8GemmKernel::flip_sums) of every
// qs8 GEMM variant that has one, against its definition: out = in ^ 0x80 and
// each pixel's sum of the flipped int8 values, for pixel sizes around the
// vector widths and byte fills at the ends of the range; and without an
// output, the sums of input that is int8 already.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;

TEST_CASE("qu8 flip with pixel sums matches its definition on every variant that has one",
          "[kernels][qs8_gemm][uint8]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  int with_flip = 0;
  testing::for_each_runnable_variant(
      testing::qs8_gemm_variants_under_test(), [&](const KernelVariant<Qs8GemmKernel>& variant) {
        const Qu8FlipSumsFn flip_sums = variant.fn.flip_sums;
        if (flip_sums == nullptr) return;
        // Only a variant that adds the sums as row offsets is given them.
        CHECK(variant.fn.row_offsets);
        ++with_flip;
        std::mt19937 rng(seed);
        // 1 .. 130 covers every remainder of 16 and 64, then the widths past
        // a 16-bit partial sum's steps (2048 bytes) and beyond.
        std::vector<size_t> sizes;
        for (size_t n = 1; n <= 130; ++n) sizes.push_back(n);
        for (size_t n : {2047, 2048, 2049, 4111, 70000}) sizes.push_back(n);
        size_t i = 0;
        for (size_t pixel_bytes : sizes) {
          const size_t pixels = 1 + rng() % 4;
          const std::vector<uint8_t> input = testing::filled<uint8_t>(
              rng, pixels * pixel_bytes, testing::kFills[i++ % 4]);
          CAPTURE(pixel_bytes, pixels);
          std::vector<int32_t> want_sums(pixels), got_sums(pixels, 0x5555);
          testing::expect_same_writes<int8_t>(
              pixels * pixel_bytes,
              [&](int8_t* out) {
                for (size_t p = 0; p < pixels; ++p) {
                  int32_t sum = 0;
                  for (size_t b = 0; b < pixel_bytes; ++b) {
                    out[p * pixel_bytes + b] = static_cast<int8_t>(input[p * pixel_bytes + b] ^ 0x80);
                    sum += out[p * pixel_bytes + b];
                  }
                  want_sums[p] = sum;
                }
              },
              [&](int8_t* out) {
                flip_sums(input.data(), out, pixels, pixel_bytes, got_sums.data());
              });
          REQUIRE(got_sums == want_sums);
          // A tensor stored flipped (int8 bytes): the sums alone, same values.
          std::vector<uint8_t> flipped(input.size());
          for (size_t b = 0; b < input.size(); ++b) flipped[b] = uint8_t(input[b] ^ 0x80);
          std::vector<int32_t> only_sums(pixels, 0x5555);
          flip_sums(flipped.data(), nullptr, pixels, pixel_bytes, only_sums.data());
          REQUIRE(only_sums == want_sums);
        }
      });
  // x86 builds with AVX-512 and aarch64 builds have one; others may not.
  SUCCEED("variants with a flip: " << with_flip);
}
