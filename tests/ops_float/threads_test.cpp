// Larger shapes, where XNNPACK really splits the work: 1, 2 and 4 threads must
// give bit-identical float output (besides matching the reference).
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

TEST_CASE("float conv2d on a larger image is bit-identical across thread counts",
          "[float][threads]") {
  std::mt19937 rng(test_seed());
  ConvParams p;
  p.batch = 1, p.in_h = 24, p.in_w = 24, p.in_c = 16, p.kernel_h = 3, p.kernel_w = 3;
  p.out_c = 40, p.same = true, p.stride_h = 1, p.stride_w = 1;
  const std::vector<float> input = random_floats(rng, 24 * 24 * 16, -1, 1);
  const std::vector<float> filter = random_floats(rng, 40 * 9 * 16, -1, 1);
  const std::vector<float> bias = random_floats(rng, 40, -1, 1);
  SingleOpGraph g;
  const int in = g.add_input({1, 24, 24, 16});
  const int f = g.add_constant({40, 3, 3, 16}, filter);
  const int b = g.add_constant({40}, bias);
  g.add_output({1, 24, 24, 40});
  Conv2DOptions o;
  o.padding = Padding::kSame;
  g.set_op(OpType::kConv2D, {in, f, b}, o);
  check_against_reference(g, {input}, conv_reference(p, input, filter, bias));
}

TEST_CASE("float depthwise conv2d on a larger image is bit-identical across thread counts",
          "[float][threads]") {
  std::mt19937 rng(test_seed());
  ConvParams p;
  p.batch = 2, p.in_h = 20, p.in_w = 20, p.in_c = 24, p.kernel_h = 3, p.kernel_w = 3;
  p.depth_multiplier = 2, p.same = true, p.stride_h = 2, p.stride_w = 2;
  const std::vector<float> input = random_floats(rng, 2 * 20 * 20 * 24, -1, 1);
  const std::vector<float> filter = random_floats(rng, 9 * 48, -1, 1);
  SingleOpGraph g;
  const int in = g.add_input({2, 20, 20, 24});
  const int f = g.add_constant({1, 3, 3, 48}, filter);
  g.add_output({2, 10, 10, 48});
  DepthwiseConv2DOptions o;
  o.padding = Padding::kSame;
  o.stride_h = o.stride_w = 2;
  o.depth_multiplier = 2;
  g.set_op(OpType::kDepthwiseConv2D, {in, f}, o);
  check_against_reference(g, {input}, conv_reference(p, input, filter, {}));
}

TEST_CASE("float fully connected, softmax and mean on larger inputs are bit-identical across "
          "thread counts",
          "[float][threads]") {
  std::mt19937 rng(test_seed());
  {
    const std::vector<float> input = random_floats(rng, 64 * 200, -1, 1);
    const std::vector<float> weights = random_floats(rng, 96 * 200, -1, 1);
    SingleOpGraph g;
    const int in = g.add_input({64, 200});
    const int w = g.add_constant({96, 200}, weights);
    g.add_output({64, 96});
    g.set_op(OpType::kFullyConnected, {in, w});
    const double inf = std::numeric_limits<double>::infinity();
    check_against_reference(g, {input},
                            fully_connected_reference(input, weights, {}, 200, 96, -inf, inf));
  }
  {
    const std::vector<float> input = random_floats(rng, 128 * 100, -6, 6);
    SingleOpGraph g;
    const int in = g.add_input({128, 100});
    g.add_output({128, 100});
    g.set_op(OpType::kSoftmax, {in});
    check_against_reference(g, {input}, softmax_reference(input, 100, 1.0));
  }
  {
    const std::vector<float> input = random_floats(rng, 4 * 14 * 14 * 64, -3, 3);
    SingleOpGraph g;
    const int in = g.add_input({4, 14, 14, 64});
    g.add_output({4, 64});
    MeanOptions o;
    o.axes = {1, 2};
    g.set_op(OpType::kMean, {in}, o);
    Expected e;
    for (int n = 0; n < 4; ++n)
      for (int c = 0; c < 64; ++c) {
        double sum = 0, mag = 0;
        for (int i = 0; i < 196; ++i) {
          sum += input[(size_t(n) * 196 + i) * 64 + c];
          mag += std::fabs(input[(size_t(n) * 196 + i) * 64 + c]);
        }
        e.values.push_back(sum / 196);
        e.magnitude.push_back(mag / 196);
      }
    check_against_reference(g, {input}, e);
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
