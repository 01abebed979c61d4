// TRANSPOSE_CONV's GEMM family tester: every variant this CPU runs against
// the reference, bit for bit, over pixel counts through every remainder of
// the tiles (2, 5, 6 and 8 pixels on armv7 NEON, aarch64 NEON, AVX2 and
// AVX-512), columns through every remainder of 32 (16 on NEON), odd and
// even channel counts, channels beyond one staged chunk (512), row ranges
// that start mid-tensor, and extreme values (every input and weight at a
// limit, zero points at the other: products of 255 x 255 in every pair).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/transpose_conv.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct GemmShape {
  int32_t batch, input_h, input_w, input_c, kernel_h, kernel_w, output_c;
};

// Runs the row and the reference on rows [row_begin, row_end) of one shape
// and fill: the columns of those rows must match and nothing else change.
template <typename T, typename Fn>
void expect_gemm_matches(const KernelVariant<Fn>& row, Fn reference, const GemmShape& s,
                         Fill input_fill, Fill weight_fill, int32_t input_zp, int32_t weight_zp,
                         std::mt19937& rng) {
  ref::TransposeConvParams p;
  p.batch = s.batch, p.input_h = s.input_h, p.input_w = s.input_w, p.input_c = s.input_c;
  p.kernel_h = s.kernel_h, p.kernel_w = s.kernel_w, p.output_c = s.output_c;
  p.input_zero_point = input_zp;
  p.filter_zero_point = weight_zp;
  const size_t rows = size_t(s.batch) * s.input_h;
  const size_t pixels = rows * s.input_w;
  const std::vector<T> input = filled<T>(rng, pixels * size_t(s.input_c), input_fill);
  const std::vector<T> weights =
      filled<T>(rng, size_t(s.output_c) * s.kernel_h * s.kernel_w * s.input_c, weight_fill);
  std::vector<int16_t> packed(p.packed_size());
  ref::pack_transpose_conv_weights(p, weights.data(), packed.data());
  const size_t row_begin = rng() % rows, row_end = row_begin + 1 + rng() % (rows - row_begin);
  CAPTURE(s.batch, s.input_h, s.input_w, s.input_c, s.kernel_h, s.kernel_w, s.output_c,
          input_zp, weight_zp, row_begin, row_end);
  expect_same_writes<int32_t>(
      pixels * p.columns(),
      [&](int32_t* want) {
        reference(p, input.data(), packed.data(), want, row_begin, row_end);
      },
      [&](int32_t* got) { row.fn(p, input.data(), packed.data(), got, row_begin, row_end); });
}

template <typename T, typename Fn>
void check_family(const char* name, KernelFamily<Fn> family) {
  for_each_variant(name, family, [](const KernelVariant<Fn>& row, Fn reference) {
    std::mt19937 rng(test_seed());
    // Columns (kernel x output channels) through every remainder of 32,
    // pixels (input_w of one row, or twice it) through every remainder of
    // each tile's height.
    for (int32_t output_c = 1; output_c <= 33; ++output_c) {
      for (int32_t input_w = 1; input_w <= 16; ++input_w) {
        const GemmShape s{1, 2, input_w, 1 + int32_t(rng() % 9), 1 + int32_t(rng() % 2),
                          1 + int32_t(rng() % 3), output_c};
        expect_gemm_matches<T>(row, reference, s, Fill::kRandom, Fill::kRandom,
                               edge_zero_points<T>(rng)[3], std::is_same<T, uint8_t>::value
                                                                ? edge_zero_points<T>(rng)[3]
                                                                : 0,
                               rng);
      }
    }
    // Extremes: each fill of the input against each of the weights, at
    // zero points at either limit, with channel counts past one chunk.
    const int32_t weight_zps[] = {0, std::is_same<T, uint8_t>::value ? highest<T>() : 0};
    for (Fill input_fill : kFills) {
      for (Fill weight_fill : kFills) {
        for (int32_t input_zp : {lowest<T>(), highest<T>()}) {
          for (int32_t weight_zp : weight_zps) {
            const int32_t input_c = 1 + int32_t(rng() % 40);
            expect_gemm_matches<T>(row, reference, GemmShape{2, 3, 5, input_c, 3, 3, 5},
                                   input_fill, weight_fill, input_zp, weight_zp, rng);
          }
        }
      }
    }
    for (int32_t input_c : {511, 512, 513, 1025}) {
      expect_gemm_matches<T>(row, reference, GemmShape{1, 2, 7, input_c, 2, 2, 9}, Fill::kLowest,
                             Fill::kAlternating, highest<T>(), weight_zps[1], rng);
    }
    for (int iter = 0; iter < scaled_iterations(60); ++iter) {
      const GemmShape s{1 + int32_t(rng() % 2), 1 + int32_t(rng() % 5), 1 + int32_t(rng() % 20),
                        1 + int32_t(rng() % 70), 1 + int32_t(rng() % 4), 1 + int32_t(rng() % 4),
                        1 + int32_t(rng() % 40)};
      CAPTURE(iter);
      expect_gemm_matches<T>(row, reference, s, kFills[rng() % 4], kFills[rng() % 4],
                             edge_zero_points<T>(rng)[rng() % 4],
                             std::is_same<T, uint8_t>::value ? edge_zero_points<T>(rng)[rng() % 4]
                                                             : 0,
                             rng);
    }
  });
}

}  // namespace

TEST_CASE("transpose conv GEMM variants: remainders, extremes and chunks of channels",
          "[kernels][transpose_conv_gemm]") {
  check_family<int8_t>("qs8_transpose_conv_gemm", qs8_transpose_conv_gemm_variants());
  check_family<uint8_t>("qu8_transpose_conv_gemm", qu8_transpose_conv_gemm_variants());
}

namespace {

// The gather of random columns into outputs: a geometry with padding and a
// stride, channel counts through every remainder of 8 and past one block
// (256), every profile, zero points and clamps at the limits, with and
// without a bias; rows [row_begin, row_end) only.
template <typename T, typename Fn>
void expect_output_matches(const KernelVariant<Fn>& row, Fn reference, int32_t output_c,
                           RequantProfile profile, bool with_bias, std::mt19937& rng) {
  ref::TransposeConvParams p;
  p.batch = 1 + int32_t(rng() % 2), p.input_h = 1 + int32_t(rng() % 4);
  p.input_w = 1 + int32_t(rng() % 4), p.input_c = 1;
  p.kernel_h = 1 + int32_t(rng() % 4), p.kernel_w = 1 + int32_t(rng() % 4);
  p.stride_h = 1 + int32_t(rng() % 3), p.stride_w = 1 + int32_t(rng() % 3);
  p.pad_top = int32_t(rng() % uint32_t(p.kernel_h));
  p.pad_left = int32_t(rng() % uint32_t(p.kernel_w));
  const int32_t trim_h = int32_t(rng() % 2), trim_w = int32_t(rng() % 2);
  p.output_h = std::max(1, (p.input_h - 1) * p.stride_h + p.kernel_h - p.pad_top - trim_h);
  p.output_w = std::max(1, (p.input_w - 1) * p.stride_w + p.kernel_w - p.pad_left - trim_w);
  p.output_c = output_c;
  p.profile = profile;
  p.output_zero_point = edge_zero_points<T>(rng)[rng() % 4];
  const auto clamp = edge_clamps<T>(rng, p.output_zero_point)[rng() % 5];
  p.act_min = clamp.first, p.act_max = clamp.second;
  std::vector<ref::Requantizer> requantizers;
  for (int32_t oc = 0; oc < output_c; ++oc) {
    const double real = std::exp2(std::uniform_real_distribution<double>(-20, 1)(rng));
    requantizers.push_back(ref::make_requantizer(profile, real, float(real)));
  }
  p.requantizers = requantizers.data();
  const size_t pixels = size_t(p.batch) * p.input_h * p.input_w;
  std::vector<int32_t> columns(pixels * p.columns());
  std::vector<int32_t> bias(static_cast<size_t>(output_c));
  std::uniform_int_distribution<int32_t> column_value(-(1 << 22), 1 << 22);
  for (int32_t& c : columns) c = column_value(rng);
  for (int32_t& b : bias) b = column_value(rng);
  const int32_t* b = with_bias ? bias.data() : nullptr;
  const size_t rows = size_t(p.batch) * p.output_h;
  const size_t row_begin = rng() % rows, row_end = row_begin + 1 + rng() % (rows - row_begin);
  CAPTURE(output_c, int(profile), with_bias, p.kernel_h, p.kernel_w, p.stride_h, p.stride_w,
          p.output_zero_point, p.act_min, p.act_max, row_begin, row_end);
  expect_same_writes<T>(
      rows * p.output_w * size_t(output_c),
      [&](T* want) { reference(p, columns.data(), b, want, row_begin, row_end); },
      [&](T* got) { row.fn(p, columns.data(), b, got, row_begin, row_end); });
}

template <typename T, typename Fn>
void check_output_family(const char* name, KernelFamily<Fn> family) {
  for_each_variant(name, family, [](const KernelVariant<Fn>& row, Fn reference) {
    std::mt19937 rng(test_seed());
    for (RequantProfile profile : kSimdProfiles) {
      for (int32_t output_c = 1; output_c <= 17; ++output_c) {
        expect_output_matches<T>(row, reference, output_c, profile, output_c % 2 == 0, rng);
      }
      for (int32_t output_c : {255, 256, 257, 520}) {
        expect_output_matches<T>(row, reference, output_c, profile, true, rng);
      }
    }
  });
}

}  // namespace

TEST_CASE("transpose conv output variants: channels, profiles, clamps and bias",
          "[kernels][transpose_conv_output]") {
  check_output_family<int8_t>("qs8_transpose_conv_output", qs8_transpose_conv_output_variants());
  check_output_family<uint8_t>("qu8_transpose_conv_output", qu8_transpose_conv_output_variants());
}
