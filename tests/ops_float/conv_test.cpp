// CONV_2D and DEPTHWISE_CONV_2D driven directly through the float kernels.
#include "ops/float/float_kernels.h"
#include "conv_case.h"
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

// A random geometry whose output is non-empty.
ConvParams random_conv_params(std::mt19937& rng, bool depthwise) {
  for (;;) {
    ConvParams p;
    p.batch = uniform(rng, 1, 2);
    p.in_h = uniform(rng, 1, 10);
    p.in_w = uniform(rng, 1, 10);
    p.kernel_h = uniform(rng, 1, 4);
    p.kernel_w = uniform(rng, 1, 4);
    p.stride_h = uniform(rng, 1, 3);
    p.stride_w = uniform(rng, 1, 3);
    p.dilation_h = uniform(rng, 1, 3);
    p.dilation_w = uniform(rng, 1, 3);
    p.same = uniform(rng, 0, 1) == 1;
    if (depthwise) {
      p.in_c = uniform(rng, 1, 12);
      p.depth_multiplier = uniform(rng, 1, 3);
    } else {
      p.groups = uniform(rng, 1, 3);
      p.in_c = p.groups * uniform(rng, 1, 5);
      p.out_c = p.groups * uniform(rng, 1, 6);
    }
    const Dim h = padded_dim(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.same);
    const Dim w = padded_dim(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.same);
    if (h.out > 0 && w.out > 0 && (p.same || ((p.kernel_h - 1) * p.dilation_h < p.in_h &&
                                              (p.kernel_w - 1) * p.dilation_w < p.in_w))) {
      return p;
    }
  }
}

void sweep(bool depthwise) {
  random_sweep(30, [&](std::mt19937& rng, int it) {
    const ConvParams p = random_conv_params(rng, depthwise);
    const Activation act = random_activation(rng);
    const bool has_bias = uniform(rng, 0, 3) != 0;
    INFO("iteration " << it << ": N" << p.batch << " H" << p.in_h << " W" << p.in_w << " C"
                      << p.in_c << " K" << p.kernel_h << "x" << p.kernel_w << " S" << p.stride_h
                      << "x" << p.stride_w << " D" << p.dilation_h << "x" << p.dilation_w
                      << " groups " << p.groups << " M " << p.depth_multiplier << " OC "
                      << p.out_c << (p.same ? " SAME" : " VALID") << " act "
                      << int(act) << " bias " << has_bias);
    ConvCase c = build_conv_case(rng, p, act, has_bias);
    check_against_reference(c.graph, {c.input}, c.expected, vary_threads_on(it));
  });
}

TEST_CASE("float conv2d matches the double reference on random geometries", "[float][conv]") {
  sweep(/*depthwise=*/false);
}

TEST_CASE("float depthwise conv2d matches the double reference on random geometries",
          "[float][conv]") {
  sweep(/*depthwise=*/true);
}

TEST_CASE("float conv2d reports its kernel name and MACs", "[float][conv]") {
  std::mt19937 rng(test_seed());
  ConvParams p;
  p.batch = 1, p.in_h = 5, p.in_w = 6, p.in_c = 4, p.kernel_h = 3, p.kernel_w = 3, p.out_c = 8;
  p.groups = 2;
  p.same = true;
  ConvCase c = build_conv_case(rng, p, Activation::kNone, true);
  KernelRun r = c.graph.run({c.input});
  REQUIRE(r.status.ok());
  CHECK(r.kernel_name == float_kernel_for("f32_conv2d__xnnpack", false, /*grouped=*/true));
  // Every output (5*6*8) takes 3*3 taps over 4/2 channels of its group.
  CHECK(r.macs == uint64_t(5 * 6 * 8) * 9 * 2);

  ConvParams d = p;
  d.depth_multiplier = 2;
  ConvCase dw = build_conv_case(rng, d, Activation::kNone, false);
  r = dw.graph.run({dw.input});
  REQUIRE(r.status.ok());
  CHECK(r.kernel_name == float_kernel_for("f32_dwconv2d__xnnpack"));
  CHECK(r.macs == uint64_t(5 * 6 * 8) * 9);
}

TEST_CASE("float conv2d reads the bound input afresh on every run", "[float][conv]") {
  std::mt19937 rng(test_seed());
  ConvParams p;
  p.batch = 1, p.in_h = 4, p.in_w = 4, p.in_c = 3, p.kernel_h = 2, p.kernel_w = 2, p.out_c = 5;
  ConvCase c = build_conv_case(rng, p, Activation::kNone, true);
  const std::vector<float> second = random_floats(rng, c.input.size(), -2.0f, 2.0f);
  const std::vector<std::vector<float>> rerun = {second};
  KernelRun r = c.graph.run({c.input}, 1, &rerun);
  REQUIRE(r.status.ok());
  const Expected e = conv_reference(p, second, c.filter, c.bias);
  std::string message;
  INFO(message);
  CHECK(all_close(r.output, e.values, e.magnitude, kRelTol, kAbsTol, &message));
}

// Kernel sizes beyond XNNPACK's dedicated depthwise tiles take other paths.
TEST_CASE("float depthwise conv2d handles large and lopsided kernels", "[float][conv]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::pair<int, int> kernels[] = {{5, 5}, {7, 7}, {1, 9}, {6, 2}};
  for (const auto& [kh, kw] : kernels) {
    ConvParams p;
    p.batch = 1, p.in_h = 12, p.in_w = 11, p.in_c = 5, p.depth_multiplier = 2;
    p.kernel_h = kh, p.kernel_w = kw, p.same = true, p.stride_w = 2;
    INFO("kernel " << kh << "x" << kw);
    ConvCase c = build_conv_case(rng, p, Activation::kNone, true);
    check_against_reference(c.graph, {c.input}, c.expected);
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
