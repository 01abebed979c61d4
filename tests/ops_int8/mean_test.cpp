#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_mean.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct MeanCase {
  std::vector<int> dims;
  std::vector<bool> reduced;
  bool keep_dims = false;
  float in_scale = 0.1f, out_scale = 0.1f;
  int32_t in_zp = 0, out_zp = 0;
  std::vector<T> input;

  std::vector<int32_t> axes() const {
    std::vector<int32_t> a;
    for (size_t d = 0; d < dims.size(); ++d) {
      if (reduced[d]) a.push_back(int32_t(d));
    }
    return a;
  }
  Shape input_shape() const {
    return Shape::from_vector(std::vector<int32_t>(dims.begin(), dims.end()));
  }
  Shape output_shape() const {
    std::vector<int32_t> out;
    for (size_t d = 0; d < dims.size(); ++d) {
      if (!reduced[d]) out.push_back(dims[d]);
      else if (keep_dims) out.push_back(1);
    }
    return Shape::from_vector(out);
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::mean(dims, reduced, in_scale, in_zp, out_scale, out_zp, profile, input);
  }
  std::string describe() const {
    std::string axes_text;
    for (int32_t a : axes()) axes_text += std::to_string(a) + " ";
    return "input " + input_shape().to_string() + " axes " + axes_text + "keep_dims " +
           std::to_string(keep_dims) + " scales " + std::to_string(in_scale) + " -> " +
           std::to_string(out_scale);
  }
};

// `wide_channels`: channels 8..40, so the SIMD kernels' eight-channel steps
// and their remainders run.
template <typename T>
MeanCase<T> random_case(std::mt19937& rng, bool wide_channels = false) {
  const bool is_uint8 = std::is_same<T, uint8_t>::value;
  MeanCase<T> t;
  const int rank = wide_channels ? 4 : uniform(rng, 0, 3) == 0 ? uniform(rng, 1, 5) : 4;
  size_t elements = 1;
  for (int d = 0; d < rank; ++d) {
    const bool channels = wide_channels && d == rank - 1;
    t.dims.push_back(channels ? uniform(rng, 8, 40) : uniform(rng, 1, rank > 3 ? 7 : 12));
    elements *= size_t(t.dims.back());
  }
  t.reduced.assign(rank, false);
  if (rank == 4 && uniform(rng, 0, 1)) {
    t.reduced[1] = t.reduced[2] = true;  // the usual global average pool
  } else {
    for (int d = 0; d < rank; ++d) t.reduced[d] = uniform(rng, 0, 1) == 1;
  }
  t.keep_dims = uniform(rng, 0, 1);
  if (uniform(rng, 0, 2) == 0) {
    t.in_scale = std::ldexp(1.0f, -uniform(rng, 1, 6));  // ties are frequent
    t.out_scale = std::ldexp(1.0f, -uniform(rng, 1, 6));
  } else {
    t.in_scale = int8_test::uniform_real(rng, 0.005f, 0.1f);
    t.out_scale = t.in_scale * int8_test::uniform_real(rng, 0.2f, 3.0f);
  }
  const int lo = is_uint8 ? 0 : -128, hi = is_uint8 ? 255 : 127;
  t.in_zp = uniform(rng, lo, hi);
  t.out_zp = uniform(rng, lo, hi);
  t.input = testing::random_ints<T>(rng, elements, lo, hi);
  return t;
}

template <typename T>
std::unique_ptr<ModelBuilder> build_model(const MeanCase<T>& t) {
  const DType dtype = std::is_same<T, uint8_t>::value ? DType::kUInt8 : DType::kInt8;
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", dtype, t.input_shape(), testing::per_tensor(t.in_scale, t.in_zp));
  const int out =
      b.add_tensor("output", dtype, t.output_shape(), testing::per_tensor(t.out_scale, t.out_zp));
  MeanOptions opt;
  opt.axes = t.axes();
  opt.keep_dims = t.keep_dims;
  b.add_operator(OpType::kMean, {in}, {out}, opt, "mean");
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

void hand_computed(RequantProfile profile) {
  // Input 1x2x2x2, scale 0.5, zero point 1; output scale 0.25, zero point -2;
  // axes {1, 2} with keep_dims -> [1, 1, 1, 2]. count = 4.
  //   channel 0 raw [3, 5, 8, 2]   sum 18,  centered 18 - 4 = 14
  //   channel 1 raw [-1, -3, 0, -7] sum -11, centered -11 - 4 = -15
  // s_in/s_out = 2 -> M = 2^30, shift 2; folding count 4: sh = 2,
  // M' = 2^30 * 4 / 4 = 2^30, shift' = 0, so the result is x / 2:
  //   channel 0: 7 (exact) -> 5.
  //   channel 1: -7.5 -> tflite_reference -7 (the high multiply rounds half
  //   up and no shift follows), single_rounding -7, xnnpack_fp32 -8 (even)
  //   -> -9, -9, -10.
  MeanCase<int8_t> t;
  t.dims = {1, 2, 2, 2};
  t.reduced = {false, true, true, false};
  t.keep_dims = true;
  t.in_scale = 0.5f;
  t.in_zp = 1;
  t.out_scale = 0.25f;
  t.out_zp = -2;
  const int8_t second = profile == RequantProfile::kXnnpackFp32 ? -10 : -9;
  const Bytes out = int8_test::run_all_thread_counts(
      *build_model(t), {testing::to_bytes(std::vector<int8_t>{3, -1, 5, -3, 8, 0, 2, -7})},
      profile, "qs8_mean__reference");
  CHECK(testing::from_bytes<int8_t>(out) == std::vector<int8_t>{5, second});
}
LOWBIT_PROFILE_TEST_CASES("MEAN hand-computed", "[mean]", hand_computed)

TEST_CASE("MEAN folds a non-power-of-two count into the multiplier", "[mean]") {
  // Input 1x1x3x1 raw [-7, -9, -10], scales 1 -> 1, zero points 0, axis 2.
  // M = 2^30, shift 1; count 3: sh = 1, M' = 2^31 / 3 truncated = 715827882,
  // shift' = 0: -26 * 715827882 / 2^31 = -8.67 -> -9 (every profile).
  MeanCase<int8_t> t;
  t.dims = {1, 1, 3, 1};
  t.reduced = {false, false, true, false};
  t.in_scale = t.out_scale = 1.0f;
  REQUIRE(ref::fold_mean_count(ref::quantize_multiplier(1.0), 3).multiplier == 715827882);
  for (RequantProfile profile : {RequantProfile::kTfliteReference,
                                 RequantProfile::kSingleRounding, RequantProfile::kXnnpackFp32}) {
    const Bytes out = int8_test::run_all_thread_counts(
        *build_model(t), {testing::to_bytes(std::vector<int8_t>{-7, -9, -10})}, profile,
        "qs8_mean__reference");
    CHECK(testing::from_bytes<int8_t>(out) == std::vector<int8_t>{-9});
  }
}

template <typename T>
void operator_matches_simulation(RequantProfile profile, const char* kernel, int iterations,
                                 uint32_t seed_offset, bool wide_channels = false) {
  std::mt19937 rng(testing::test_seed() + seed_offset);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const MeanCase<T> t = random_case<T>(rng, wide_channels);
    INFO("iteration " << iter << ": " << t.describe());
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, kernel, iter < 2);
    REQUIRE(testing::from_bytes<T>(out) == t.expected(profile));
  }
}

void int8_operator(RequantProfile profile) {
  operator_matches_simulation<int8_t>(profile, "qs8_mean__reference", 10, 40);
  operator_matches_simulation<uint8_t>(profile, "qu8_mean__reference", 4, 41);
  operator_matches_simulation<int8_t>(profile, "qs8_mean__reference", 8, 42, true);
}
LOWBIT_PROFILE_TEST_CASES("MEAN matches simulation", "[mean]", int8_operator)

}  // namespace
}  // namespace lowbit
