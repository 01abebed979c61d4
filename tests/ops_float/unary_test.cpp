// SOFTMAX, LOGISTIC, HARD_SWISH, RELU and RELU6 driven directly through the float kernels.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

std::vector<int32_t> random_shape(std::mt19937& rng) {
  std::vector<int32_t> s(uniform(rng, 1, 4));
  for (int32_t& d : s) d = uniform(rng, 1, 9);
  return s;
}

size_t count(const std::vector<int32_t>& s) {
  size_t n = 1;
  for (int32_t d : s) n *= size_t(d);
  return n;
}

// magnitude(x): the scale of float rounding error in the result.
template <typename Fn, typename Mag>
void sweep_elementwise(OpType type, Fn reference, Mag magnitude) {
  random_sweep(30, [&](std::mt19937& rng, int it) {
    const std::vector<int32_t> shape = random_shape(rng);
    INFO("iteration " << it << " shape " << Shape::from_vector(shape).to_string());
    const std::vector<float> x = random_floats(rng, count(shape), -10, 10);
    SingleOpGraph g;
    const int in = g.add_input(Shape::from_vector(shape));
    g.add_output(Shape::from_vector(shape));
    g.set_op(type, {in});
    Expected e;
    for (float v : x) {
      e.values.push_back(reference(double(v)));
      e.magnitude.push_back(magnitude(double(v)));
    }
    check_against_reference(g, {x}, e, vary_threads_on(it));
  });
}

TEST_CASE("float logistic matches 1 / (1 + exp(-x))", "[float][unary]") {
  auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  sweep_elementwise(OpType::kLogistic, sigmoid, sigmoid);
}

TEST_CASE("float hard swish matches x * relu6(x + 3) / 6", "[float][unary]") {
  // x + 3 cancels near x = -3, so the error scales with |x| (|x| + 3) / 6.
  sweep_elementwise(
      OpType::kHardSwish, [](double x) { return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; },
      [](double x) { return std::fabs(x) * (std::fabs(x) + 3.0) / 6.0; });
}

TEST_CASE("float relu and relu6 clamp", "[float][unary]") {
  // A clamp adds no rounding error: only the relative tolerance applies.
  auto exact = [](double) { return 0.0; };
  sweep_elementwise(OpType::kRelu, [](double x) { return std::max(x, 0.0); }, exact);
  sweep_elementwise(OpType::kRelu6, [](double x) { return std::min(std::max(x, 0.0), 6.0); },
                    exact);
}

TEST_CASE("float softmax matches the reference for beta 1 and other betas", "[float][softmax]") {
  random_sweep(40, [&](std::mt19937& rng, int it) {
    std::vector<int32_t> shape = random_shape(rng);
    shape.back() = uniform(rng, 1, 70);
    const float betas[] = {1.0f, 0.5f, 2.0f, 1.7f};
    const float beta = betas[uniform(rng, 0, 3)];
    INFO("iteration " << it << " shape " << Shape::from_vector(shape).to_string() << " beta "
                      << beta);
    const std::vector<float> x = random_floats(rng, count(shape), -5, 5);
    SingleOpGraph g;
    const int in = g.add_input(Shape::from_vector(shape));
    g.add_output(Shape::from_vector(shape));
    SoftmaxOptions o;
    o.beta = beta;
    g.set_op(OpType::kSoftmax, {in}, o);
    // beta is applied to the float input, as the kernel sees it.
    const Expected e = softmax_reference(x, size_t(shape.back()), double(beta));
    check_against_reference(g, {x}, e, vary_threads_on(it));
  });
}

TEST_CASE("float unary kernels report their names", "[float][unary]") {
  const std::pair<OpType, const char*> expected[] = {
      {OpType::kLogistic, "f32_logistic__xnnpack"}, {OpType::kHardSwish, "f32_hardswish__xnnpack"},
      {OpType::kRelu, "f32_relu__xnnpack"},         {OpType::kRelu6, "f32_relu6__xnnpack"},
      {OpType::kSoftmax, "f32_softmax__xnnpack"}};
  for (const auto& [type, name] : expected) {
    SingleOpGraph g;
    const int in = g.add_input({2, 3});
    g.add_output({2, 3});
    g.set_op(type, {in});
    const KernelRun run = g.run({std::vector<float>(6, 0.5f)});
    REQUIRE(run.status.ok());
    CHECK(run.kernel_name == float_kernel_for(name));
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
