// AVERAGE_POOL_2D, MAX_POOL_2D and MEAN driven directly through the float kernels.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

PoolParams random_pool_params(std::mt19937& rng, bool is_max) {
  for (;;) {
    PoolParams p;
    p.is_max = is_max;
    p.batch = uniform(rng, 1, 2);
    p.in_h = uniform(rng, 1, 12);
    p.in_w = uniform(rng, 1, 12);
    p.channels = uniform(rng, 1, 20);
    p.filter_h = uniform(rng, 1, 4);
    p.filter_w = uniform(rng, 1, 4);
    p.stride_h = uniform(rng, 1, 3);
    p.stride_w = uniform(rng, 1, 3);
    p.same = uniform(rng, 0, 1) == 1;
    if (p.same || (p.filter_h <= p.in_h && p.filter_w <= p.in_w)) return p;
  }
}

SingleOpGraph pool_graph(const PoolParams& p, Activation act) {
  const Dim h = padded_dim(p.in_h, p.filter_h, p.stride_h, 1, p.same);
  const Dim w = padded_dim(p.in_w, p.filter_w, p.stride_w, 1, p.same);
  SingleOpGraph g;
  const int in = g.add_input({p.batch, p.in_h, p.in_w, p.channels});
  g.add_output({p.batch, h.out, w.out, p.channels});
  Pool2DOptions o;
  o.padding = p.same ? Padding::kSame : Padding::kValid;
  o.filter_h = p.filter_h, o.filter_w = p.filter_w;
  o.stride_h = p.stride_h, o.stride_w = p.stride_w;
  o.activation = act;
  g.set_op(p.is_max ? OpType::kMaxPool2D : OpType::kAveragePool2D, {in}, o);
  return g;
}

void sweep(bool is_max) {
  random_sweep(40, [&](std::mt19937& rng, int it) {
    PoolParams p = random_pool_params(rng, is_max);
    const Activation act = random_activation(rng);
    p.act_min = act_range(act).lo;
    p.act_max = act_range(act).hi;
    INFO("iteration " << it << ": N" << p.batch << " H" << p.in_h << " W" << p.in_w << " C"
                      << p.channels << " F" << p.filter_h << "x" << p.filter_w << " S"
                      << p.stride_h << "x" << p.stride_w << (p.same ? " SAME" : " VALID")
                      << " act " << int(act));
    const std::vector<float> input =
        random_floats(rng, size_t(p.batch) * p.in_h * p.in_w * p.channels, -8, 8);
    check_against_reference(pool_graph(p, act), {input}, pool_reference(p, input),
                            vary_threads_on(it));
  });
}

TEST_CASE("float max pool matches the clipped-window reference", "[float][pool]") { sweep(true); }

TEST_CASE("float average pool matches the clipped-window reference", "[float][pool]") {
  sweep(false);
}

// With SAME padding the corner windows hold fewer taps: TFLite divides by the
// taps inside the image, so a constant image stays constant.
TEST_CASE("float average pool divides by the valid taps only", "[float][pool]") {
  PoolParams p;
  p.in_h = 5, p.in_w = 5, p.channels = 3, p.filter_h = 3, p.filter_w = 3, p.same = true;
  const std::vector<float> input(75, 2.5f);
  const KernelRun run = pool_graph(p, Activation::kNone).run({input});
  REQUIRE(run.status.ok());
  CHECK(run.kernel_name == float_kernel_for("f32_avgpool2d__xnnpack"));
  for (float v : run.output) CHECK(v == 2.5f);
}

// XNNPACK refuses 1x1 windows; they must still work (a strided, clamped copy).
TEST_CASE("float pools with a 1x1 window copy the strided input exactly", "[float][pool]") {
  std::mt19937 rng(test_seed());
  for (bool is_max : {false, true}) {
    PoolParams p;
    p.is_max = is_max;
    p.batch = 2, p.in_h = 7, p.in_w = 6, p.channels = 5, p.stride_h = 2, p.stride_w = 3;
    const std::vector<float> input = random_floats(rng, 2 * 7 * 6 * 5, -8, 8);
    const KernelRun run = pool_graph(p, Activation::kNone).run({input});
    INFO(run.status.to_string());
    REQUIRE(run.status.ok());
    const Expected e = pool_reference(p, input);
    REQUIRE(run.output.size() == e.values.size());
    for (size_t i = 0; i < e.values.size(); ++i) CHECK(double(run.output[i]) == e.values[i]);
  }
}

TEST_CASE("float mean over the spatial axes matches the reference", "[float][mean]") {
  random_sweep(30, [&](std::mt19937& rng, int it) {
    const int n = uniform(rng, 1, 3), h = uniform(rng, 1, 15), w = uniform(rng, 1, 15),
              c = uniform(rng, 1, 40);
    const bool keep_dims = uniform(rng, 0, 1) == 1;
    const bool axes_as_input = uniform(rng, 0, 1) == 1;
    // Any spelling of {1, 2}: order and negative indices do not matter.
    const std::vector<std::vector<int32_t>> spellings = {{1, 2}, {2, 1}, {-3, -2}, {2, -3}};
    const std::vector<int32_t> axes = spellings[uniform(rng, 0, 3)];
    INFO("iteration " << it << ": [" << n << "," << h << "," << w << "," << c << "] keep_dims "
                      << keep_dims << " axes " << axes[0] << "," << axes[1] << " as input "
                      << axes_as_input);
    const std::vector<float> input = random_floats(rng, size_t(n) * h * w * c, -4, 4);
    SingleOpGraph g;
    const int in = g.add_input({n, h, w, c});
    MeanOptions o;
    o.keep_dims = keep_dims;
    std::vector<int> inputs = {in};
    if (axes_as_input) {
      inputs.push_back(g.add_int32_constant({2}, axes));
    } else {
      o.axes = axes;
    }
    if (keep_dims) {
      g.add_output({n, 1, 1, c});
    } else {
      g.add_output({n, c});
    }
    g.set_op(OpType::kMean, inputs, o);
    check_against_reference(g, {input}, spatial_mean_reference(input, n, h * w, c),
                            vary_threads_on(it));
  });
}

TEST_CASE("float mean over other axes is reported as unsupported", "[float][mean]") {
  SingleOpGraph g;
  const int in = g.add_input({1, 4, 4, 8});
  g.add_output({1, 4, 4});
  MeanOptions o;
  o.axes = {3};
  g.set_op(OpType::kMean, {in}, o);
  const KernelRun run = g.run({std::vector<float>(128, 1.0f)});
  CHECK(run.status.code() == StatusCode::kUnsupported);
  CHECK_THAT(run.status.message(), Catch::Contains("MEAN"));
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
