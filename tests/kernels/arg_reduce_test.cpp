// The ARG_MAX / ARG_MIN family's tester: every variant this CPU runs against
// the reference, index for index, over every axis length remainder of the
// vector widths, int8 and uint8 at their limits and with many ties (the first
// index must win), both output types, inputs sized exactly (a vector load
// past the end would read outside them), and the cases the SIMD rows hand
// back (float32, int32, an axis that is not innermost).
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "kernels/arg_reduce.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

template <typename Fn>
void expect_arg_matches(const KernelVariant<Fn>& row, Fn reference, const ref::ArgReduceParams& p,
                        const std::vector<uint8_t>& input, std::mt19937& rng) {
  const size_t index_bytes = p.output == DType::kInt64 ? 8 : 4;
  const size_t split = rng() % (p.outer + 1);
  CAPTURE(dtype_name(p.input), p.minimum, p.outer, p.axis_size, p.inner, split);
  // Exactly the input's bytes, so reading past them is a sanitizer error.
  const std::vector<uint8_t> exact(input);
  expect_same_writes<uint8_t>(
      p.outer * p.inner * index_bytes,
      [&](uint8_t* out) { reference(p, exact.data(), out, 0, p.outer); },
      [&](uint8_t* out) {
        row.fn(p, exact.data(), out, 0, split);
        row.fn(p, exact.data(), out, split, p.outer);
      });
}

// Bytes of int8 or uint8 values: `fill`, or drawn from only a few distinct
// values so most pixels tie.
std::vector<uint8_t> byte_input(std::mt19937& rng, DType dtype, size_t n, Fill fill, bool ties) {
  std::vector<uint8_t> v(n);
  if (dtype == DType::kInt8) {
    const std::vector<int8_t> values = filled<int8_t>(rng, n, fill);
    std::memcpy(v.data(), values.data(), n);
  } else {
    v = filled<uint8_t>(rng, n, fill);
  }
  if (ties) {
    const uint8_t few[] = {0x00, 0x7f, 0x80, 0xff};
    for (uint8_t& b : v) b = few[rng() % 4];
  }
  return v;
}

}  // namespace

TEST_CASE("arg_reduce variants: int8 and uint8 channels, every length, ties and limits",
          "[kernels][arg_reduce]") {
  for_each_variant("arg_reduce", arg_reduce_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    int iteration = 0;
    for (size_t axis : lengths_through_remainders()) {
      for (DType dtype : {DType::kInt8, DType::kUInt8}) {
        for (bool minimum : {false, true}) {
          ref::ArgReduceParams p;
          p.input = dtype;
          p.minimum = minimum;
          p.output = iteration % 2 ? DType::kInt64 : DType::kInt32;
          p.axis_size = axis;
          p.outer = 1 + rng() % 7;
          const Fill fill = kFills[iteration % 4];
          const bool ties = iteration % 3 == 0;
          ++iteration;
          expect_arg_matches(row, reference, p, byte_input(rng, dtype, p.outer * axis, fill, ties),
                             rng);
        }
      }
    }
  });
}

TEST_CASE("arg_reduce variants: DeepLab's 21 classes per pixel", "[kernels][arg_reduce]") {
  for_each_variant("arg_reduce", arg_reduce_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (DType dtype : {DType::kInt8, DType::kUInt8}) {
      ref::ArgReduceParams p;
      p.input = dtype;
      p.output = DType::kInt64;
      p.axis_size = 21;
      p.outer = 65 * 65;
      expect_arg_matches(row, reference, p,
                         byte_input(rng, dtype, p.outer * 21, Fill::kRandom, false), rng);
    }
  });
}

TEST_CASE("arg_reduce variants: the cases handed to the reference", "[kernels][arg_reduce]") {
  for_each_variant("arg_reduce", arg_reduce_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (DType dtype : {DType::kFloat32, DType::kInt32, DType::kInt8, DType::kUInt8}) {
      for (size_t inner : {size_t{1}, size_t{3}, size_t{17}}) {
        ref::ArgReduceParams p;
        p.input = dtype;
        p.minimum = inner == 3;
        p.axis_size = 1 + rng() % 40;
        p.outer = 1 + rng() % 5;
        p.inner = inner;
        const size_t element = dtype == DType::kInt8 || dtype == DType::kUInt8 ? 1 : 4;
        const size_t n = p.outer * p.axis_size * inner * element;
        std::vector<uint8_t> input(n);
        if (dtype == DType::kFloat32) {
          // Small integers as floats: many ties.
          for (size_t i = 0; i < n / 4; ++i) {
            const float f = static_cast<float>(static_cast<int>(rng() % 5) - 2);
            std::memcpy(&input[i * 4], &f, 4);
          }
        } else {
          input = byte_input(rng, DType::kUInt8, n, Fill::kRandom, true);
        }
        expect_arg_matches(row, reference, p, input, rng);
      }
    }
  });
}
