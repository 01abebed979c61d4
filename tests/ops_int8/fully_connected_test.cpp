#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_fully_connected.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct FcCase {
  int batch = 1, k = 1, oc = 1;
  Shape input_shape;  // any shape with batch * k elements
  bool keep_num_dims = false;
  Activation activation = Activation::kNone;
  int8_test::LayerScales scales;
  int32_t input_zp = 0, filter_zp = 0, output_zp = 0;
  std::vector<T> input, weights;
  std::vector<int32_t> bias;

  bool per_channel() const { return scales.weights.size() > 1; }
  Shape output_shape() const {
    if (!keep_num_dims) return Shape{batch, oc};
    Shape s = input_shape;
    s[s.rank - 1] = oc;
    return s;
  }
  sim::Quant sim_quant(RequantProfile profile) const {
    sim::Quant q;
    q.input_zp = input_zp;
    q.filter_zp = filter_zp;
    q.output_zp = output_zp;
    q.profile = profile;
    // NUMERICS section 3: per-tensor FC forms in*w in float first; LiteRT's
    // reference FC (profile tflite_reference) forms it in double.
    q.scales = int8_test::channel_scales(
        scales, oc, !per_channel() && profile != RequantProfile::kTfliteReference);
    sim::activation_range(activation, scales.output, output_zp, std::is_same<T, uint8_t>::value,
                          &q.act_min, &q.act_max);
    return q;
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::fully_connected(batch, k, oc, sim_quant(profile), input, weights, bias);
  }
  std::string describe() const {
    return "input " + input_shape.to_string() + " batch " + std::to_string(batch) + " K " +
           std::to_string(k) + " OC " + std::to_string(oc) + " keep_num_dims " +
           std::to_string(keep_num_dims) + " act " + std::to_string(int(activation)) +
           " per-channel " + std::to_string(per_channel()) + " bias " +
           std::to_string(!bias.empty());
  }
};

template <typename T>
// max_oc above the GEMM's NR (16) with a small batch makes the SIMD driver
// split output channels across threads.
FcCase<T> random_case(std::mt19937& rng, int max_batch = 4, int max_oc = 12) {
  const bool is_uint8 = std::is_same<T, uint8_t>::value;
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
  t.activation = int8_test::random_activation(rng);
  const bool per_channel = !is_uint8 && (max_oc > 12 || uniform(rng, 0, 1));
  t.scales = int8_test::random_layer_scales(rng, t.k, t.oc, per_channel);
  const int lo = is_uint8 ? 0 : -128, hi = is_uint8 ? 255 : 127;
  t.input_zp = uniform(rng, lo, hi);
  t.output_zp = uniform(rng, lo, hi);
  t.filter_zp = is_uint8 ? uniform(rng, 0, 255) : 0;
  t.input = testing::random_ints<T>(rng, size_t(t.batch) * t.k, lo, hi);
  t.weights = testing::random_ints<T>(rng, size_t(t.oc) * t.k, is_uint8 ? 0 : -127, hi);
  if (uniform(rng, 0, 3) != 0) t.bias = testing::random_ints<int32_t>(rng, t.oc, -30000, 30000);
  return t;
}

template <typename T>
std::unique_ptr<ModelBuilder> build_model(const FcCase<T>& t) {
  const DType dtype = std::is_same<T, uint8_t>::value ? DType::kUInt8 : DType::kInt8;
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in =
      b.add_tensor("input", dtype, t.input_shape, testing::per_tensor(t.scales.input, t.input_zp));
  Quantization wq = int8_test::weight_quantization(t.scales, 0);
  if (t.filter_zp != 0) wq.zero_points = {t.filter_zp};
  const int w = b.add_constant("weights", dtype, Shape{t.oc, t.k}, t.weights, wq);
  const int out = b.add_tensor("output", dtype, t.output_shape(),
                               testing::per_tensor(t.scales.output, t.output_zp));
  FullyConnectedOptions opt;
  opt.activation = t.activation;
  opt.keep_num_dims = t.keep_num_dims;
  std::vector<int> inputs = {in, w};
  if (!t.bias.empty()) {
    inputs.push_back(b.add_constant("bias", DType::kInt32, Shape{t.oc}, t.bias,
                                    int8_test::bias_quantization(t.scales)));
  }
  b.add_operator(OpType::kFullyConnected, inputs, {out}, opt, "fc");
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
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
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", DType::kInt8, Shape{1, 2, 3}, testing::per_tensor(1.0f, 1));
  const int w = b.add_constant("weights", DType::kInt8, Shape{2, 3},
                               std::vector<int8_t>{1, 2, 3, -4, 5, -6}, testing::per_tensor(1.0f, 0));
  const int bias = b.add_constant("bias", DType::kInt32, Shape{2}, std::vector<int32_t>{2, -3},
                                  testing::per_tensor(1.0f, 0));
  const int out = b.add_tensor("output", DType::kInt8, Shape{1, 2, 2}, testing::per_tensor(4.0f, 0));
  FullyConnectedOptions opt;
  opt.keep_num_dims = true;
  b.add_operator(OpType::kFullyConnected, {in, w, bias}, {out}, opt);
  b.set_inputs({in});
  b.set_outputs({out});
  const bool optimized = profile == RequantProfile::kTfliteOptimized;
  const int8_t tie = profile == RequantProfile::kSingleRounding || optimized ? -1 : -2;
  const std::vector<int8_t> expected = {3, -11, tie, int8_t(optimized ? -1 : -2)};
  const Bytes result = int8_test::run_all_thread_counts(
      b, {testing::to_bytes(std::vector<int8_t>{3, -1, 5, 11, 1, -5})}, profile,
      "qs8_fully_connected__reference");
  CHECK(testing::from_bytes<int8_t>(result) == expected);
}
LOWBIT_CONV_PROFILE_TEST_CASES("FULLY_CONNECTED hand-computed", "[fc]", hand_computed)

void kernel_matches_simulation(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed() + 20);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(400); ++iter) {
    const FcCase<int8_t> t = random_case<int8_t>(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const sim::Quant q = t.sim_quant(profile);
    const std::vector<ref::Requantizer> requantizers =
        int8_test::kernel_requantizers(q.scales, profile);
    ref::FullyConnectedQuantParams p;
    p.batch = t.batch;
    p.input_depth = t.k;
    p.output_depth = t.oc;
    p.input_zero_point = t.input_zp;
    p.output_zero_point = t.output_zp;
    p.act_min = q.act_min;
    p.act_max = q.act_max;
    p.profile = profile;
    p.requantizers = requantizers.data();
    const std::vector<double> double_scales = int8_test::fc_double_scales(q.scales);
    if (profile == RequantProfile::kTfliteReference) p.double_scales = double_scales.data();
    std::vector<int8_t> out(size_t(t.batch) * t.oc, 0x55);
    const size_t split = uniform(rng, 0, t.batch);
    const int32_t* bias = t.bias.empty() ? nullptr : t.bias.data();
    ref::qs8_fully_connected__reference(p, t.input.data(), t.weights.data(), bias, out.data(), 0,
                                        split);
    ref::qs8_fully_connected__reference(p, t.input.data(), t.weights.data(), bias, out.data(),
                                        split, t.batch);
    REQUIRE(out == t.expected(profile));
  }
}
LOWBIT_CONV_PROFILE_TEST_CASES("qs8_fully_connected__reference matches simulation", "[fc][kernel]",
                          kernel_matches_simulation)

template <typename T>
void operator_matches_simulation(RequantProfile profile, const char* kernel, int iterations) {
  std::mt19937 rng(testing::test_seed() + 21);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const FcCase<T> t = random_case<T>(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, kernel, iter < 2);
    REQUIRE(testing::from_bytes<T>(out) == t.expected(profile));
  }
}

void int8_operator(RequantProfile profile) {
  operator_matches_simulation<int8_t>(profile, "qs8_fully_connected__reference", 8);
}
LOWBIT_CONV_PROFILE_TEST_CASES("FULLY_CONNECTED matches simulation", "[fc]", int8_operator)

// Batch 1 and 2 with many channels: threads split the channel blocks, and
// every thread count must give the same bytes.
void channel_split(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed() + 22);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(4); ++iter) {
    const FcCase<int8_t> t = random_case<int8_t>(rng, 2, 80);
    INFO("iteration " << iter << ": " << t.describe());
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, "qs8_fully_connected__reference");
    REQUIRE(testing::from_bytes<int8_t>(out) == t.expected(profile));
  }
}
LOWBIT_CONV_PROFILE_TEST_CASES("FULLY_CONNECTED with few rows splits channels across threads", "[fc]",
                          channel_split)

void uint8_operator(RequantProfile profile) {
  operator_matches_simulation<uint8_t>(profile, "qu8_fully_connected__reference", 4);
}
LOWBIT_CONV_PROFILE_TEST_CASES("FULLY_CONNECTED uint8 matches simulation", "[fc][uint8]",
                          uint8_operator)

}  // namespace
}  // namespace lowbit
