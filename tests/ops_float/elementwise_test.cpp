// ADD and MUL with broadcasting, driven directly through the float kernels.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

// Two shapes that broadcast: start from an output shape and knock dimensions
// down to 1 or drop leading ones at random.
void random_broadcast_shapes(std::mt19937& rng, std::vector<int>* a, std::vector<int>* b) {
  const int rank = uniform(rng, 0, 5);
  std::vector<int> out(rank);
  for (int& d : out) d = uniform(rng, 1, 6);
  auto derive = [&](std::vector<int>* s) {
    *s = out;
    for (int& d : *s) {
      if (uniform(rng, 0, 2) == 0) d = 1;
    }
    const int drop = uniform(rng, 0, rank);
    s->erase(s->begin(), s->begin() + (uniform(rng, 0, 1) ? drop : 0));
  };
  derive(a);
  derive(b);
}

Shape to_shape(const std::vector<int>& v) {
  return Shape::from_vector(std::vector<int32_t>(v.begin(), v.end()));
}

size_t count(const std::vector<int>& v) {
  size_t n = 1;
  for (int d : v) n *= size_t(d);
  return n;
}

void sweep(OpType type) {
  random_sweep(80, [&](std::mt19937& rng, int it) {
    std::vector<int> a_shape, b_shape;
    random_broadcast_shapes(rng, &a_shape, &b_shape);
    const Activation act = random_activation(rng);
    const bool b_constant = uniform(rng, 0, 3) == 0;
    INFO("iteration " << it << ": " << to_shape(a_shape).to_string() << " op "
                      << to_shape(b_shape).to_string() << " act " << int(act) << " constant b "
                      << b_constant);
    const std::vector<float> a = random_floats(rng, count(a_shape), -4, 4);
    const std::vector<float> b = random_floats(rng, count(b_shape), -4, 4);
    SingleOpGraph g;
    const int ia = g.add_input(to_shape(a_shape));
    const int ib =
        b_constant ? g.add_constant(to_shape(b_shape), b) : g.add_input(to_shape(b_shape));
    const ActRange r = act_range(act);
    const Expected e =
        type == OpType::kAdd
            ? broadcast_reference(a_shape, a, b_shape, b, [](double x, double y) { return x + y; },
                                  r.lo, r.hi)
            : broadcast_reference(a_shape, a, b_shape, b, [](double x, double y) { return x * y; },
                                  r.lo, r.hi);
    std::vector<int> out_shape(std::max(a_shape.size(), b_shape.size()));
    for (size_t d = 0; d < out_shape.size(); ++d) {
      const size_t from_end = out_shape.size() - d;
      const int x = from_end <= a_shape.size() ? a_shape[a_shape.size() - from_end] : 1;
      const int y = from_end <= b_shape.size() ? b_shape[b_shape.size() - from_end] : 1;
      out_shape[d] = std::max(x, y);
    }
    g.add_output(to_shape(out_shape));
    ElementwiseOptions o;
    o.activation = act;
    g.set_op(type, {ia, ib}, o);
    std::vector<std::vector<float>> inputs = {a};
    if (!b_constant) inputs.push_back(b);
    check_against_reference(g, inputs, e, vary_threads_on(it));
  });
}

TEST_CASE("float add broadcasts like NumPy and applies the fused activation", "[float][add]") {
  sweep(OpType::kAdd);
}

TEST_CASE("float mul broadcasts like NumPy and applies the fused activation", "[float][mul]") {
  sweep(OpType::kMul);
}

TEST_CASE("float add rejects shapes that do not broadcast, naming both inputs", "[float][add]") {
  SingleOpGraph g;
  const int a = g.add_input({2, 3});
  const int b = g.add_input({4, 3});
  g.add_output({4, 3});
  g.set_op(OpType::kAdd, {a, b});
  const KernelRun run = g.run({std::vector<float>(6), std::vector<float>(12)});
  REQUIRE_FALSE(run.status.ok());
  CHECK_THAT(run.status.message(), Catch::Contains("input 0") && Catch::Contains("input 1") &&
                                       Catch::Contains("broadcast"));
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
