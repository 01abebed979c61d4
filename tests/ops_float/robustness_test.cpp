// Random, often nonsensical operands and options: every float kernel must
// answer with a Status (or run correctly-sized), never crash or write out of
// bounds. Run under LOWBIT_SANITIZE builds to catch undefined behaviour.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

Shape random_dims(std::mt19937& rng, int rank) {
  Shape s;
  s.rank = rank;
  for (int d = 0; d < rank; ++d) {
    s[d] = uniform(rng, 0, 9) == 0 ? uniform(rng, -1, 0) : uniform(rng, 1, 5);
  }
  return s;
}

size_t elements_or_zero(const Shape& s) {
  for (int d = 0; d < s.rank; ++d) {
    if (s[d] < 0) return 0;
  }
  return size_t(s.num_elements());
}

int random_int(std::mt19937& rng) {
  return uniform(rng, 0, 5) == 0 ? uniform(rng, -2, 0) : uniform(rng, 1, 3);
}

// Conv2DOptions or DepthwiseConv2DOptions with random strides and dilations.
template <typename Options>
Options random_window_options(std::mt19937& rng, Padding padding) {
  Options o;
  o.padding = padding;
  o.stride_h = random_int(rng), o.stride_w = random_int(rng);
  o.dilation_h = random_int(rng), o.dilation_w = random_int(rng);
  return o;
}

OpOptions random_options(std::mt19937& rng, OpType type) {
  const Padding padding = uniform(rng, 0, 1) ? Padding::kSame : Padding::kValid;
  switch (type) {
    case OpType::kConv2D: return random_window_options<Conv2DOptions>(rng, padding);
    case OpType::kDepthwiseConv2D: {
      auto o = random_window_options<DepthwiseConv2DOptions>(rng, padding);
      o.depth_multiplier = random_int(rng);
      return o;
    }
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D: {
      Pool2DOptions o;
      o.padding = padding;
      o.filter_h = random_int(rng), o.filter_w = random_int(rng);
      o.stride_h = random_int(rng), o.stride_w = random_int(rng);
      return o;
    }
    case OpType::kMean: {
      MeanOptions o;
      o.axes = {uniform(rng, -5, 4), uniform(rng, -5, 4)};
      return o;
    }
    case OpType::kFullyConnected: {
      FullyConnectedOptions o;
      o.keep_num_dims = uniform(rng, 0, 1) == 1;
      return o;
    }
    default:
      return std::monostate{};
  }
}

TEST_CASE("float kernels survive random operands and options", "[float][robustness]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const OpType types[] = {OpType::kConv2D,  OpType::kDepthwiseConv2D, OpType::kFullyConnected,
                          OpType::kAdd,     OpType::kMul,             OpType::kAveragePool2D,
                          OpType::kMaxPool2D, OpType::kMean,          OpType::kSoftmax,
                          OpType::kLogistic, OpType::kRelu6};
  const int iterations = scaled_iterations(400);
  int ran = 0;
  // Few random graphs are valid: a short (scaled-down) sweep goes on until a
  // handful of them ran, so the run path is reached at any LOWBIT_TEST_SCALE.
  const int min_runs = 3;
  for (int it = 0; it < iterations || (ran < min_runs && it < 50 * iterations); ++it) {
    const OpType type = types[uniform(rng, 0, 10)];
    const int num_inputs = uniform(rng, 1, 3);
    SingleOpGraph g;
    std::vector<int> inputs;
    std::vector<std::vector<float>> values;
    std::string shapes;
    for (int i = 0; i < num_inputs; ++i) {
      const Shape s = random_dims(rng, uniform(rng, 0, 4));
      shapes += s.to_string() + " ";
      const size_t n = elements_or_zero(s);
      if (i > 0 && uniform(rng, 0, 1)) {
        // Sometimes the constant's byte count disagrees with its shape.
        inputs.push_back(g.add_constant(s, std::vector<float>(n + uniform(rng, 0, 1), 0.25f)));
      } else {
        inputs.push_back(g.add_input(s));
        values.push_back(std::vector<float>(n, 0.5f));
      }
    }
    const Shape out = random_dims(rng, uniform(rng, 0, 4));
    g.add_output(out);
    g.set_op(type, inputs, random_options(rng, type));
    INFO("iteration " << it << ": " << op_type_name(type) << " inputs " << shapes << "output "
                      << out.to_string());
    const KernelRun run = g.run(values);
    if (run.status.ok()) {
      ++ran;
      CHECK(run.guard_intact);
    } else {
      CHECK(!run.status.message().empty());
    }
  }
  // The sweep must reach the run path too, not only the rejections.
  CHECK(ran >= min_runs);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
