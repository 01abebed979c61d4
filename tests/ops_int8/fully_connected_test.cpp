#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_fully_connected.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct FcCase : int8_test::WeightedLayer<T> {
  int batch = 1, k = 1, oc = 1;
  Shape input_shape;  // any shape with batch * k elements
  bool keep_num_dims = false;

  Shape output_shape() const {
    if (!keep_num_dims) return Shape{batch, oc};
    Shape s = input_shape;
    s[s.rank - 1] = oc;
    return s;
  }
  sim::Quant sim_quant(RequantProfile profile) const {
    // NUMERICS section 3: per-tensor FC forms in*w in float first; LiteRT's
    // reference FC (profile tflite_reference) forms it in double.
    return this->WeightedLayer::sim_quant(
        profile, oc, !this->per_channel() && profile != RequantProfile::kTfliteReference);
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::fully_connected(batch, k, oc, sim_quant(profile), this->input, this->weights,
                                this->bias);
  }
  std::unique_ptr<ModelBuilder> model() const {
    FullyConnectedOptions opt;
    opt.activation = this->activation;
    opt.keep_num_dims = keep_num_dims;
    return this->layer_model(OpType::kFullyConnected, opt, input_shape, Shape{oc, k}, 0,
                             output_shape());
  }
  std::string describe() const {
    return "input " + input_shape.to_string() + " batch " + std::to_string(batch) + " K " +
           std::to_string(k) + " OC " + std::to_string(oc) + " keep_num_dims " +
           std::to_string(keep_num_dims) + this->describe_quantization();
  }
};

// max_oc above the GEMM's NR (16) with a small batch makes the SIMD driver
// split output channels across threads.
template <typename T>
FcCase<T> random_case(std::mt19937& rng, int max_batch = 4, int max_oc = 12) {
  FcCase<T> t;
  t.batch = uniform(rng, 1, max_batch);
  t.k = uniform(rng, 1, 40);
  t.oc = uniform(rng, 1, max_oc);
  switch (uniform(rng, 0, 3)) {
    case 0: t.input_shape = Shape{t.batch, t.k}; break;
    case 1: t.input_shape = Shape{1, t.batch, t.k}; break;
    case 2: t.input_shape = Shape{t.batch, 1, 1, t.k}; break;
    default: t.input_shape = Shape{t.batch * t.k}; break;  // flattened by K
  }
  t.keep_num_dims = t.input_shape.rank > 1 && uniform(rng, 0, 1);
  t.randomize(rng, t.k, t.oc, max_oc > 12, size_t(t.batch) * t.k, size_t(t.oc) * t.k);
  return t;
}

void hand_computed(RequantProfile profile) {
  // Input [1, 2, 3] (keep_num_dims: output [1, 2, 2]), scale 1, zero point 1:
  //   row 0 raw [3, -1, 5]  -> centered [2, -2, 4]
  //   row 1 raw [11, 1, -5] -> centered [10, 0, -6]
  // Weights [[1, 2, 3], [-4, 5, -6]] scale 1, bias [2, -3], output scale 4
  // (multiplier 0.25), zero point 0:
  //   row 0: 2 - 4 + 12 + 2 = 12 -> 3;   -8 - 10 - 24 - 3 = -45 -> -11.25 -> -11
  //   row 1: 10 - 18 + 2 = -6 -> -1.5;   -40 + 36 - 3 = -7 -> -1.75 -> -2
  // The tie -1.5: tflite_reference -2 (-6 -> -3 -> away), single_rounding -1
  // (half up), xnnpack_fp32 -2 (to even), tflite_optimized -1 (-3, then the
  // shift rounds half up). tflite_optimized also rounds -1.75 to -1: its high
  // multiply takes -7 to -3.5 -> -3 (halves up), then -1.5 -> -1 (LCE's
  // builtin FULLY_CONNECTED does the same).
  int8_test::WeightedLayer<int8_t> layer;
  layer.scales = {1.0f, 4.0f, {1.0f}};  // input, output, weights
  layer.input_zp = 1;
  layer.input = {3, -1, 5, 11, 1, -5};
  layer.weights = {1, 2, 3, -4, 5, -6};
  layer.bias = {2, -3};
  FullyConnectedOptions opt;
  opt.keep_num_dims = true;
  const auto model = layer.layer_model(OpType::kFullyConnected, opt, Shape{1, 2, 3}, Shape{2, 3},
                                       0, Shape{1, 2, 2});
  const bool optimized = profile == RequantProfile::kTfliteOptimized;
  const int8_t tie = profile == RequantProfile::kSingleRounding || optimized ? -1 : -2;
  const std::vector<int8_t> expected = {3, -11, tie, int8_t(optimized ? -1 : -2)};
  CHECK(layer.run(*model, profile, "qs8_fully_connected__reference") == expected);
}
LOWBIT_CONV_PROFILE_TEST_CASES("FULLY_CONNECTED hand-computed", "[fc]", hand_computed)

void kernel_matches_simulation(RequantProfile profile) {
  int8_test::check_kernel_cases(
      testing::test_seed() + 20, 400, profile,
      [](std::mt19937& rng) { return random_case<int8_t>(rng); },
      [](std::mt19937& rng, const FcCase<int8_t>& t, const sim::Quant& q,
         const std::vector<ref::Requantizer>& requantizers) {
        ref::FullyConnectedQuantParams p;
        p.batch = t.batch;
        p.input_depth = t.k;
        p.output_depth = t.oc;
        int8_test::set_kernel_quantization(q, requantizers, &p);
        const std::vector<double> double_scales = int8_test::fc_double_scales(q.scales);
        if (q.profile == RequantProfile::kTfliteReference) p.double_scales = double_scales.data();
        return t.run_kernel_split(rng, ref::qs8_fully_connected__reference, p, size_t(t.batch),
                                  size_t(t.oc));
      });
}
LOWBIT_CONV_PROFILE_TEST_CASES("qs8_fully_connected__reference matches simulation", "[fc][kernel]",
                          kernel_matches_simulation)

LOWBIT_OPERATOR_SIMULATION_TESTS("FULLY_CONNECTED", "[fc]", testing::test_seed() + 21, random_case,
                                 "qs8_fully_connected__reference", "qu8_fully_connected__reference")

// Batch 1 and 2 with many channels: threads split the channel blocks, and
// every thread count must give the same bytes.
void channel_split(RequantProfile profile) {
  int8_test::check_operator_cases(
      testing::test_seed() + 22, 4, int8_test::kEveryIteration, profile,
      "qs8_fully_connected__reference",
      [](std::mt19937& rng, int) { return random_case<int8_t>(rng, 2, 80); });
}
LOWBIT_CONV_PROFILE_TEST_CASES("FULLY_CONNECTED with few rows splits channels across threads", "[fc]",
                          channel_split)

}  // namespace
}  // namespace lowbit
