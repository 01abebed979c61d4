// Operators whose numerics have no requantization step must give the same
// bytes under every requantization profile. One test per operator and profile.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "support/blocks.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Case {
  ModelBuilder builder;
  std::vector<Bytes> inputs;
};

using Build = std::function<void(Case&, std::mt19937&)>;

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Graph input x -> one operator -> graph output y, on random input bytes.
void single_operator(Case& c, std::mt19937& rng, OpType type, int x, int y,
                     const OpOptions& options, size_t input_bytes) {
  c.builder.add_operator(type, {x}, {y}, options);
  c.builder.set_inputs({x});
  c.builder.set_outputs({y});
  c.inputs = {random_bytes(rng, input_bytes)};
}

void hard_swish(Case& c, std::mt19937& rng) {
  const int x = c.builder.add_tensor("x", DType::kInt8, Shape{1, 5, 7, 3}, per_tensor(0.05f, -7));
  const int y = c.builder.add_tensor("y", DType::kInt8, Shape{1, 5, 7, 3}, per_tensor(0.04f, 10));
  single_operator(c, rng, OpType::kHardSwish, x, y, NoOptions{}, 105);
}

void pad(Case& c, std::mt19937& rng) {
  const int x = c.builder.add_tensor("x", DType::kInt8, Shape{1, 4, 5, 3}, per_tensor(0.1f, 4));
  const int y = c.builder.add_tensor("y", DType::kInt8, Shape{1, 7, 6, 3}, per_tensor(0.1f, 4));
  PadOptions o;
  o.paddings = {0, 0, 1, 2, 0, 1, 0, 0};
  single_operator(c, rng, OpType::kPad, x, y, o, 60);
}

void concatenation(Case& c, std::mt19937& rng) {
  const int a = c.builder.add_tensor("a", DType::kInt8, Shape{1, 3, 3, 2}, per_tensor(0.1f, 1));
  const int b = c.builder.add_tensor("b", DType::kInt8, Shape{1, 3, 3, 5}, per_tensor(0.1f, 1));
  const int y = c.builder.add_tensor("y", DType::kInt8, Shape{1, 3, 3, 7}, per_tensor(0.1f, 1));
  ConcatenationOptions o;
  o.axis = 3;
  c.builder.add_operator(OpType::kConcatenation, {a, b}, {y}, o);
  c.builder.set_inputs({a, b});
  c.builder.set_outputs({y});
  c.inputs = {random_bytes(rng, 18), random_bytes(rng, 45)};
}

void reshape(Case& c, std::mt19937& rng) {
  const int x = c.builder.add_tensor("x", DType::kInt8, Shape{1, 4, 6}, per_tensor(0.1f, 0));
  const int y = c.builder.add_tensor("y", DType::kInt8, Shape{2, 12}, per_tensor(0.1f, 0));
  ReshapeOptions o;
  o.new_shape = {2, -1};
  single_operator(c, rng, OpType::kReshape, x, y, o, 24);
}

void dequantize(Case& c, std::mt19937& rng) {
  const int x = c.builder.add_tensor("x", DType::kInt8, Shape{1, 40}, per_tensor(0.07f, -3));
  const int y = c.builder.add_tensor("y", DType::kFloat32, Shape{1, 40});
  single_operator(c, rng, OpType::kDequantize, x, y, NoOptions{}, 40);
}

// BITPACK, BCONV2D (bit and float outputs), BMAXPOOL2D.
void binary_block(Case& c, std::mt19937& rng) {
  build_binary_block(c.builder, 8, 6, 37, static_cast<uint32_t>(rng()));
  std::vector<float> x = random_floats(rng, 8 * 6 * 37, -1.0f, 1.0f);
  c.inputs = {to_bytes(x)};
}

// BITPACK, BFULLY_CONNECTED with int8 output, then UNPACK of a bitpacked copy.
void binary_fully_connected(Case& c, std::mt19937& rng) {
  ModelBuilder& b = c.builder;
  const int x = b.add_tensor("x", DType::kFloat32, Shape{3, 70});
  const int bits = b.add_tensor("bits", DType::kBit, Shape{3, 70});
  b.add_operator(OpType::kBitpack, {x}, {bits});
  std::vector<uint32_t> w(5 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = i % 3 == 2 ? (static_cast<uint32_t>(rng()) & 0x3f) : static_cast<uint32_t>(rng());
  const int wt = b.add_constant("w", DType::kBit, Shape{5, 70}, w);
  const int mul = b.add_constant("mul", DType::kFloat32, Shape{5}, random_floats(rng, 5, 0.1f, 1.0f));
  const int bias = b.add_constant("bias", DType::kFloat32, Shape{5}, random_floats(rng, 5, -3.0f, 3.0f));
  const int y = b.add_tensor("y", DType::kInt8, Shape{3, 5}, per_tensor(0.5f, 3));
  b.add_operator(OpType::kBFullyConnected, {bits, wt, mul, bias}, {y});
  const int back = b.add_tensor("back", DType::kFloat32, Shape{3, 70});
  b.add_operator(OpType::kBitUnpack, {bits}, {back});
  b.set_inputs({x});
  b.set_outputs({y, back});
  c.inputs = {to_bytes(random_floats(rng, 210, -1.0f, 1.0f))};
}

void check_profile(const Build& build, RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  Case c;
  build(c, rng);
  InterpreterOptions reference_options;
  RunResult expected = run_model(c.builder, c.inputs, reference_options);
  INFO(expected.status.to_string());
  REQUIRE(expected.status.ok());
  // Two threads, so the default profile's case also checks something: that
  // splitting the work changes nothing.
  InterpreterOptions options;
  options.profile = profile;
  options.num_threads = 2;
  RunResult got = run_model(c.builder, c.inputs, options);
  INFO(got.status.to_string());
  REQUIRE(got.status.ok());
  CHECK(got.outputs == expected.outputs);
}

}  // namespace

#define PROFILE_INDEPENDENT(OP, builder)                                                  \
  TEST_CASE(OP " is profile-independent [tflite_reference]", "[profiles]") {              \
    check_profile(builder, RequantProfile::kTfliteReference);                             \
  }                                                                                       \
  TEST_CASE(OP " is profile-independent [single_rounding]", "[profiles]") {               \
    check_profile(builder, RequantProfile::kSingleRounding);                              \
  }                                                                                       \
  TEST_CASE(OP " is profile-independent [xnnpack_fp32]", "[profiles]") {                  \
    check_profile(builder, RequantProfile::kXnnpackFp32);                                 \
  }                                                                                       \
  TEST_CASE(OP " is profile-independent [tflite_optimized]", "[profiles]") {              \
    check_profile(builder, RequantProfile::kTfliteOptimized);                             \
  }

PROFILE_INDEPENDENT("HARD_SWISH", hard_swish)
PROFILE_INDEPENDENT("PAD", pad)
PROFILE_INDEPENDENT("CONCATENATION", concatenation)
PROFILE_INDEPENDENT("RESHAPE", reshape)
PROFILE_INDEPENDENT("DEQUANTIZE", dequantize)
PROFILE_INDEPENDENT("BITPACK, BCONV2D, BMAXPOOL2D", binary_block)
PROFILE_INDEPENDENT("BFULLY_CONNECTED, UNPACK", binary_fully_connected)
