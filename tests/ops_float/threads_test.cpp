// Larger shapes, where XNNPACK really splits the work: 1, 2 and 4 threads must
// give bit-identical float output (besides matching the reference).
#include "conv_case.h"
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
  const ConvCase c = build_conv_case(rng, p, Activation::kNone, /*has_bias=*/true);
  check_against_reference(c.graph, {c.input}, c.expected);
}

TEST_CASE("float depthwise conv2d on a larger image is bit-identical across thread counts",
          "[float][threads]") {
  std::mt19937 rng(test_seed());
  ConvParams p;
  p.batch = 2, p.in_h = 20, p.in_w = 20, p.in_c = 24, p.kernel_h = 3, p.kernel_w = 3;
  p.depth_multiplier = 2, p.same = true, p.stride_h = 2, p.stride_w = 2;
  const ConvCase c = build_conv_case(rng, p, Activation::kNone, /*has_bias=*/false);
  check_against_reference(c.graph, {c.input}, c.expected);
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
    check_against_reference(g, {input}, spatial_mean_reference(input, 4, 196, 64));
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
