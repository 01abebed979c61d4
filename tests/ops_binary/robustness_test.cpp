// Random, mostly malformed BCONV2D / BFULLY_CONNECTED / BMAXPOOL2D operators:
// validate() must answer with a Status (never crash), and whatever it accepts
// must prepare and run. Meaningful mostly under -DLOWBIT_SANITIZE=ON.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "binary_sim.h"
#include "op_harness.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

TEST_CASE("binary operators: random malformed operands give a Status, accepted ones run",
          "[bconv2d][bfully_connected][bmaxpool2d][validation]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const ValuePicker pick(rng);
  // Mostly plausible, sometimes wrong: each choice breaks the operator rarely.
  auto dtype = [&] {
    return static_cast<DType>(pick({0, 1, 3, 4, 4, 4, 4, 4, 4, 4}));  // float32 int8 int32 bit
  };
  int accepted = 0, rejected = 0;
  for (int it = 0; it < scaled_iterations(300); ++it) {
    CAPTURE(it);
    ModelBuilder b;
    const int kind = pick({0, 1, 2});
    const int rank = kind == 1 ? pick({1, 2, 3}) : pick({3, 4, 4, 4});
    std::vector<int32_t> in_dims;
    for (int d = 0; d < rank; ++d) in_dims.push_back(pick({0, 1, 2, 3, 3, 5, 33, 33}));
    const DType in_dtype = dtype();
    const int x = b.add_tensor("x", in_dtype, Shape::from_vector(in_dims),
                               in_dtype == DType::kInt8 ? per_tensor(0.5f, 0) : Quantization{});
    const DType out_dtype = dtype();
    const Quantization out_q = out_dtype == DType::kInt8 && pick({0, 1}) ? per_tensor(0.25f, 1)
                                                                         : Quantization{};
    const int y = b.add_tensor("y", out_dtype, Shape{1, 1, 1, 1}, out_q);
    std::vector<int> inputs = {x};
    if (kind != 2) {
      std::vector<int32_t> w_dims;
      const int w_rank = kind == 0 ? pick({4, 4, 3}) : pick({2, 2, 1});
      for (int d = 0; d < w_rank; ++d) w_dims.push_back(pick({1, 2, 3, 33}));
      // Usually the reduction matches the input's channels.
      if (pick({0, 1, 1, 1})) w_dims.back() = std::max(1, in_dims.back());
      const Shape w_shape = Shape::from_vector(w_dims);
      size_t bytes = 0;
      REQUIRE(storage_bytes(DType::kBit, w_shape, &bytes));
      std::vector<uint32_t> words(bytes / 4);
      for (auto& v : words) v = rng();
      inputs.push_back(b.add_constant("w", DType::kBit, w_shape, words));
      const int32_t cout = w_dims[0] + pick({0, 0, 0, 1});
      const int mul = b.add_constant("mul", DType::kFloat32, Shape{cout},
                                     random_floats(rng, size_t(cout), -1.0f, 1.0f));
      const int bias = b.add_constant("bias", DType::kFloat32, Shape{cout},
                                      random_floats(rng, size_t(cout), -1.0f, 1.0f));
      const int thr = b.add_constant("thr", DType::kInt32, Shape{cout},
                                     random_ints<int32_t>(rng, size_t(cout), -5, 50));
      const bool bit_mode = pick({0, 1}) == 1;
      const bool sloppy = pick({0, 0, 0, 1}) == 1;  // operand presence at random
      inputs.push_back((sloppy ? pick({0, 1}) : !bit_mode) ? mul : kAbsentInput);
      inputs.push_back((sloppy ? pick({0, 1}) : !bit_mode) ? bias : kAbsentInput);
      if (sloppy ? pick({0, 1}) : bit_mode) inputs.push_back(thr);
    }
    OpOptions options;
    OpType type = OpType::kBMaxPool2D;
    if (kind == 0) {
      type = OpType::kBConv2D;
      BConv2DOptions o;
      o.padding = pick({0, 1}) ? Padding::kSame : Padding::kValid;
      o.stride_h = pick({0, 1, 1, 1, 2});
      o.stride_w = pick({1, 3});
      o.dilation_h = pick({1, 1, 1, 2, 1 << 30});
      o.dilation_w = pick({1, 2});
      o.pad_values = pick({0, 1, 1, 1, 2});
      o.activation = static_cast<Activation>(pick({0, 0, 0, 1, 2, 3}));
      options = o;
    } else if (kind == 1) {
      type = OpType::kBFullyConnected;
      BFullyConnectedOptions o;
      o.activation = static_cast<Activation>(pick({0, 0, 0, 1}));
      options = o;
    } else {
      Pool2DOptions o;
      o.padding = pick({0, 1}) ? Padding::kSame : Padding::kValid;
      o.filter_h = pick({0, 1, 1, 3, 3, 1 << 30});
      o.filter_w = pick({1, 2});
      o.stride_h = pick({1, 2});
      o.stride_w = pick({0, 1, 1, 2});
      options = o;
    }
    b.add_operator(type, inputs, {y}, options, "op");
    const Status s = validate_operator(b, 0);
    if (!s.ok()) {
      ++rejected;
      CHECK_FALSE(s.message().empty());
      continue;
    }
    ++accepted;
    // The harness sizes the output from the inferred shape.
    size_t in_bytes = 0;
    REQUIRE(storage_bytes(in_dtype, Shape::from_vector(in_dims), &in_bytes));
    std::vector<uint8_t> input(in_bytes);
    for (auto& v : input) v = static_cast<uint8_t>(rng());
    const OpRun r = run_operator(b, 0, {input}, pick({1, 2}), pick({0, 1}) ? "reference" : "auto");
    INFO(r.status.to_string());
    CHECK(r.status.ok());
  }
  CAPTURE(accepted, rejected);
  CHECK(rejected > 0);
  CHECK(accepted > 0);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
