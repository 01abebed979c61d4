// L2_NORMALIZATION through the public path: float32 exactly as TFLite's
// formula, int8 and uint8 within one step of the real quotient (the bytes
// themselves are checked against LiteRT by transpose_conv_cases.py), rows of
// zeros, and its validation errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <type_traits>

#include "kernels/reference/l2_normalization.h"
#include "ops_elementwise/elementwise_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

RunResult run_l2(DType dtype, const Shape& shape, const Bytes& input, Quantization in_q,
                 Quantization out_q, int threads = 1) {
  return run_single_op(OpType::kL2Normalization, {Operand{dtype, shape, std::move(in_q), {}}},
                       Operand{dtype, shape, std::move(out_q), {}}, {}, {input},
                       RequantProfile::kTfliteReference, threads);
}

template <typename T>
void check_quantized(std::mt19937& rng, int depth, int rows, bool zero_rows) {
  const bool u8 = std::is_same<T, uint8_t>::value;
  const DType dtype = u8 ? DType::kUInt8 : DType::kInt8;
  const int lo = u8 ? 0 : -128, hi = u8 ? 255 : 127, out_zp = u8 ? 128 : 0;
  const int zp = lo + 90 + int(rng() % 76);
  std::vector<T> input = random_ints<T>(rng, size_t(rows) * depth, lo, hi);
  if (zero_rows) std::fill(input.begin(), input.begin() + depth, T(zp));
  const Shape shape{rows, depth};
  for (int threads : {1, 2}) {
    RunResult r = run_l2(dtype, shape, to_bytes(input), per_tensor(0.05f, zp),
                         per_tensor(1.0f / 128, out_zp), threads);
    REQUIRE(r.status.ok());
    const auto out = from_bytes<T>(r.outputs[0]);
    for (int row = 0; row < rows; ++row) {
      double sum = 0;
      for (int c = 0; c < depth; ++c) sum += std::pow(double(input[size_t(row) * depth + c]) - zp, 2);
      for (int c = 0; c < depth; ++c) {
        const size_t i = size_t(row) * depth + c;
        const double centered = double(input[i]) - zp;
        const double ideal = sum <= 1 ? centered * 128 : 128 * centered / std::sqrt(sum);
        const double clamped = std::min(double(hi), std::max(double(lo), ideal + out_zp));
        INFO("row " << row << " channel " << c << " sum " << sum);
        REQUIRE(std::abs(double(out[i]) - clamped) <= 1.0);
      }
    }
  }
}

}  // namespace

TEST_CASE("L2_NORMALIZATION int8 and uint8 are within one step of x / |x|", "[l2norm]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int depth : {1, 2, 3, 16, 255, 1000}) {
    CAPTURE(depth);
    check_quantized<int8_t>(rng, depth, 5, depth % 2 == 1);
    check_quantized<uint8_t>(rng, depth, 5, depth % 2 == 0);
  }
}

TEST_CASE("L2_NORMALIZATION of a zero row is the zero point; of 3,4 is 0.6,0.8", "[l2norm]") {
  RunResult r = run_l2(DType::kInt8, {2, 2}, to_bytes(std::vector<int8_t>{5, 5, 8, 9}),
                       per_tensor(0.1f, 5), per_tensor(1.0f / 128, 0));
  REQUIRE(r.status.ok());
  // 128 * 0.6 = 76.8 and 128 * 0.8 = 102.4
  CHECK(from_bytes<int8_t>(r.outputs[0]) == std::vector<int8_t>{0, 0, 77, 102});
  int32_t multiplier = 0, shift = 0;
  ref::inv_sqrt_quantized_multiplier(0, &multiplier, &shift);
  CHECK(multiplier == std::numeric_limits<int32_t>::max());
  CHECK(shift == 0);
}

TEST_CASE("L2_NORMALIZATION float32 is x / max(sqrt(sum of squares), 1e-6)", "[l2norm]") {
  std::mt19937 rng(test_seed());
  const Shape shape{2, 3, 7};
  std::vector<float> input = random_floats(rng, 42, -3, 3);
  std::fill(input.begin(), input.begin() + 7, 0.0f);  // a zero row divides by 1e-6
  input[7] = 1e-9f;
  RunResult r = run_l2(DType::kFloat32, shape, to_bytes(input), {}, {});
  REQUIRE(r.status.ok());
  std::vector<float> expected(input.size());
  for (size_t row = 0; row < 6; ++row) {
    float sum = 0.0f;
    for (size_t c = 0; c < 7; ++c) sum += input[row * 7 + c] * input[row * 7 + c];
    const float norm = std::max(std::sqrt(sum), 1e-6f);
    for (size_t c = 0; c < 7; ++c) expected[row * 7 + c] = input[row * 7 + c] / norm;
  }
  CHECK(from_bytes<float>(r.outputs[0]) == expected);
}

TEST_CASE("L2_NORMALIZATION validation names what is wrong", "[l2norm][errors]") {
  using Catch::Matchers::Contains;
  const Bytes four(4, 0);
  auto message = [](const RunResult& r) { return r.status.ok() ? std::string("ok") : r.status.message(); };
  CHECK(run_l2(DType::kUInt8, {4}, four, per_tensor(0.1f, 3), per_tensor(1.0f / 128, 128)).status.ok());
  CHECK_THAT(message(run_l2(DType::kInt8, {4}, four, per_tensor(0.1f, 0), per_tensor(0.01f, 0))),
             Contains("L2_NORMALIZATION") && Contains("expected 1/128 and 0"));
  CHECK_THAT(message(run_l2(DType::kUInt8, {4}, four, per_tensor(0.1f, 0),
                            per_tensor(1.0f / 128, 0))),
             Contains("expected 1/128 and 128"));
  CHECK_THAT(message(run_l2(DType::kInt8, {1, 1, 1, 1, 4}, four, per_tensor(0.1f, 0),
                            per_tensor(1.0f / 128, 0))),
             Contains("rank 5, expected 1 to 4"));
  CHECK_THAT(message(run_l2(DType::kInt32, {4}, Bytes(16, 0), {}, {})), Contains("int32"));
  CHECK_THAT(message(run_l2(DType::kInt8, {1, 40000}, Bytes(40000, 0), per_tensor(0.1f, 0),
                            per_tensor(1.0f / 128, 0))),
             Contains("can overflow"));
}
