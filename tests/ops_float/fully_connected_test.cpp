// FULLY_CONNECTED driven directly through the float kernel.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

TEST_CASE("float fully connected matches the double reference", "[float][fc]") {
  random_sweep(40, [&](std::mt19937& rng, int it) {
    const int depth = uniform(rng, 1, 70);
    const int out_c = uniform(rng, 1, 40);
    const int rows = uniform(rng, 1, 4);
    const int cols = uniform(rng, 1, 3);
    const bool keep_num_dims = uniform(rng, 0, 1) == 1;
    const bool has_bias = uniform(rng, 0, 3) != 0;
    const Activation act = random_activation(rng);
    INFO("iteration " << it << ": input [" << rows << "," << cols << "," << depth << "] out_c "
                      << out_c << " keep_num_dims " << keep_num_dims << " bias " << has_bias
                      << " act " << int(act));
    const std::vector<float> input = random_floats(rng, size_t(rows) * cols * depth, -2, 2);
    const std::vector<float> weights = random_floats(rng, size_t(out_c) * depth, -1, 1);
    const std::vector<float> bias = has_bias ? random_floats(rng, out_c, -1, 1)
                                             : std::vector<float>();
    SingleOpGraph g;
    const int in = g.add_input({rows, cols, depth});
    const int w = g.add_constant({out_c, depth}, weights);
    const int b = has_bias ? g.add_constant({out_c}, bias) : kAbsentInput;
    if (keep_num_dims) {
      g.add_output({rows, cols, out_c});
    } else {
      g.add_output({rows * cols, out_c});
    }
    FullyConnectedOptions o;
    o.activation = act;
    o.keep_num_dims = keep_num_dims;
    g.set_op(OpType::kFullyConnected, {in, w, b}, o);
    const ActRange r = act_range(act);
    const Expected e = fully_connected_reference(input, weights, bias, depth, out_c, r.lo, r.hi);
    check_against_reference(g, {input}, e, vary_threads_on(it));
  });
}

TEST_CASE("float fully connected flattens any leading shape and reports MACs", "[float][fc]") {
  std::mt19937 rng(test_seed());
  // [2, 3, 4] flattened by depth 6 gives 4 rows (the TFLite rule).
  const std::vector<float> input = random_floats(rng, 24, -1, 1);
  const std::vector<float> weights = random_floats(rng, 5 * 6, -1, 1);
  SingleOpGraph g;
  const int in = g.add_input({2, 3, 4});
  const int w = g.add_constant({5, 6}, weights);
  g.add_output({4, 5});
  g.set_op(OpType::kFullyConnected, {in, w});
  const KernelRun run = g.run({input});
  REQUIRE(run.status.ok());
  CHECK(run.kernel_name == float_kernel_for("f32_fully_connected__xnnpack"));
  CHECK(run.macs == 4u * 5u * 6u);
  const Expected e = fully_connected_reference(input, weights, {}, 6, 5, -INFINITY, INFINITY);
  std::string message;
  const bool close = all_close(run.output, e.values, e.magnitude, kRelTol, kAbsTol, &message);
  INFO(message);
  CHECK(close);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
