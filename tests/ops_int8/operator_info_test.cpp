// What the operators report to the interpreter (kernel names, MACs), and the
// hand-off of float32 graphs to the float kernels.
#include <catch2/catch.hpp>

#include "int8_test_util.h"

namespace lowbit {
namespace {

using testing::per_axis;
using testing::per_tensor;

struct Prepared {
  std::shared_ptr<std::vector<uint8_t>> bytes;
  std::unique_ptr<Interpreter> interpreter;
};

Prepared prepare(const ModelBuilder& b) {
  Prepared p;
  Result<std::vector<uint8_t>> bytes = b.finish();
  REQUIRE(bytes.ok());
  p.bytes = std::make_shared<std::vector<uint8_t>>(std::move(bytes.value()));
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(p.bytes->data(), p.bytes->size());
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  // The names below are the reference kernels'; SIMD variants are chosen
  // under "auto" and tested for equality in the operator tests.
  InterpreterOptions options;
  options.kernel = "reference";
  p.interpreter = std::make_unique<Interpreter>(model.value(), options);
  const Status status = p.interpreter->prepare();
  INFO(status.to_string());
  REQUIRE(status.ok());
  return p;
}

TEST_CASE("int8 operators report their kernel and MACs", "[conv2d][depthwise][fc]") {
  // conv: [1,6,6,4] * [8,3,3,2] (2 groups), SAME stride 2 -> [1,3,3,8]:
  //   3*3 outputs * 8 channels * 3*3*2 taps = 1296 MACs.
  // depthwise: [1,3,3,8] * [1,3,3,8], VALID -> [1,1,1,8]: 8 * 9 = 72 MACs.
  // fc: [1,8] * [5,8] -> [1,5]: 40 MACs.
  ModelBuilder b;
  const Quantization q = per_tensor(0.1f, 0);
  const int x = b.add_tensor("x", DType::kInt8, Shape{1, 6, 6, 4}, q);
  const int cw = b.add_constant("cw", DType::kInt8, Shape{8, 3, 3, 2},
                                std::vector<int8_t>(8 * 9 * 2, 1), per_axis(std::vector<float>(8, 0.01f), 0));
  const int c = b.add_tensor("c", DType::kInt8, Shape{1, 3, 3, 8}, q);
  Conv2DOptions conv;
  conv.padding = Padding::kSame;
  conv.stride_h = conv.stride_w = 2;
  b.add_operator(OpType::kConv2D, {x, cw}, {c}, conv);
  const int dw = b.add_constant("dw", DType::kInt8, Shape{1, 3, 3, 8}, std::vector<int8_t>(72, 1),
                                per_tensor(0.01f, 0));
  const int d = b.add_tensor("d", DType::kInt8, Shape{1, 1, 1, 8}, q);
  b.add_operator(OpType::kDepthwiseConv2D, {c, dw}, {d}, DepthwiseConv2DOptions{});
  const int fw = b.add_constant("fw", DType::kInt8, Shape{5, 8}, std::vector<int8_t>(40, 1),
                                per_tensor(0.01f, 0));
  const int f = b.add_tensor("f", DType::kInt8, Shape{1, 5}, q);
  b.add_operator(OpType::kFullyConnected, {d, fw}, {f}, FullyConnectedOptions{});
  b.set_inputs({x});
  b.set_outputs({f});
  Prepared p = prepare(b);
  CHECK(std::string(p.interpreter->kernel_name(0)) == "qs8_conv2d__reference");
  CHECK(std::string(p.interpreter->kernel_name(1)) == "qs8_depthwise_conv2d__reference");
  CHECK(std::string(p.interpreter->kernel_name(2)) == "qs8_fully_connected__reference");
  CHECK(p.interpreter->operator_macs(0) == 1296);
  CHECK(p.interpreter->operator_macs(1) == 72);
  CHECK(p.interpreter->operator_macs(2) == 40);
}

TEST_CASE("float32 CONV_2D and MEAN are handed to the float kernels", "[conv2d][mean][float]") {
  // 1x1 conv, 2 input channels -> 1 output: y = 2*x0 - x1 + 0.5, then the
  // mean over H and W of a 1x2x1x1 result.
  ModelBuilder b;
  const int x = b.add_tensor("x", DType::kFloat32, Shape{1, 2, 1, 2});
  const int w = b.add_constant("w", DType::kFloat32, Shape{1, 1, 1, 2}, std::vector<float>{2.0f, -1.0f});
  const int bias = b.add_constant("b", DType::kFloat32, Shape{1}, std::vector<float>{0.5f});
  const int y = b.add_tensor("y", DType::kFloat32, Shape{1, 2, 1, 1});
  b.add_operator(OpType::kConv2D, {x, w, bias}, {y}, Conv2DOptions{});
  const int m = b.add_tensor("m", DType::kFloat32, Shape{1, 1});
  MeanOptions mean;
  mean.axes = {1, 2};
  b.add_operator(OpType::kMean, {y}, {m}, mean);
  b.set_inputs({x});
  b.set_outputs({m});
  // Pixels (3, 1) -> 5.5 and (-1, 4) -> -5.5; mean 0.
  const testing::RunResult r =
      testing::run_model(b, {testing::to_bytes(std::vector<float>{3.0f, 1.0f, -1.0f, 4.0f})});
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  CHECK(testing::from_bytes<float>(r.outputs[0]) == std::vector<float>{0.0f});
  for (const std::string& name : r.kernels) CHECK(name.rfind("f32_", 0) == 0);
}

}  // namespace
}  // namespace lowbit
