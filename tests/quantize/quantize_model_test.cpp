// lowbit-quantize on small float models: the int8 result loads, runs
// bit-identically in every kernel set, and stays close to the float model.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "quantize/graph_runner.h"
#include "quantize/quantize_test_util.h"

namespace lowbit {
namespace {

using namespace quantize_test;
using quantize::QuantizeOptions;
using quantize::QuantizeResult;

struct Case {
  const char* name;
  std::function<void(ModelBuilder*, uint32_t)> build;
  float lo, hi;
};

// Each activation requantization adds noise of power step^2/12 (step =
// range/255): 40+ dB for a tensor filling its range. Three to five
// requantizations, ranges that the data fill only partly, and (softmax)
// outputs on a 1/256 grid leave 25-35 dB; 20 dB (noise at 1% of the signal)
// is far above what a wrong scale, zero point or bias scale gives (< 10 dB).
constexpr double kMinOutputSqnrDb = 20.0;

const Case kCases[] = {
    {"conv+relu+maxpool+fc+softmax", build_conv_pool_fc_softmax, -1.0f, 1.0f},
    {"residual add + mean", build_residual_add, -2.0f, 1.0f},
    {"depthwise + avgpool", build_depthwise, 0.0f, 3.0f},
    {"concat + pad", build_concat_pad, -1.0f, 1.0f},
    {"hard-swish, relu, relu6, mul, sub, tanh, logistic, concat, mean, squeeze",
     build_activations, -2.0f, 2.0f},
};

TEST_CASE("quantized models run identically in the reference and auto kernels, close to float",
          "[quantize]") {
  for (const Case& c : kCases) {
    for (bool float_io : {false, true}) {
      INFO(c.name << (float_io ? ", --io float" : ", --io int8"));
      ModelBuilder b;
      c.build(&b, 7);
      const std::vector<Sample> samples = random_samples(b.graph(), 24, c.lo, c.hi, 11);
      QuantizeOptions options;
      options.float_io = float_io;
      Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
      INFO(q.status().to_string());
      REQUIRE(q.ok());
      const QuantizedRun ref = run_quantized(q->model, samples, "reference");
      const QuantizedRun best = run_quantized(q->model, samples, "auto");
      CHECK(ref.bytes == best.bytes);
      const double sqnr = sqnr_db(run_float(b, samples), ref.dequantized);
      INFO("output SQNR " << sqnr << " dB, report says " << q->report.output_sqnr_db);
      CHECK(sqnr > kMinOutputSqnrDb);
      // The report measured the same thing (its runs use XNNPACK float kernels).
      CHECK(std::fabs(q->report.output_sqnr_db - sqnr) < 1.0);
      Result<std::shared_ptr<const Model>> model =
          Model::from_buffer(q->model.data(), q->model.size());
      REQUIRE(model.ok());
      const GraphDesc& g = model.value()->graph();
      const DType io = float_io ? DType::kFloat32 : DType::kInt8;
      CHECK(g.tensors[g.inputs[0]].dtype == io);
      CHECK(g.tensors[g.outputs[0]].dtype == io);
      for (const OperatorDesc& op : g.operators) {
        if (op.type == OpType::kQuantize || op.type == OpType::kDequantize) continue;
        CHECK(g.tensors[op.outputs[0]].dtype == DType::kInt8);
      }
    }
  }
}

TEST_CASE("chosen ranges contain every observed value and share where the runtime needs it",
          "[quantize]") {
  ModelBuilder b;
  build_concat_pad(&b, 3);
  const std::vector<Sample> samples = random_samples(b.graph(), 16, -1.0f, 1.0f, 5);
  Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, QuantizeOptions{});
  REQUIRE(q.ok());
  // The float activations' extremes over the calibration set.
  ModelBuilder all;
  quantize::copy_graph(b.graph(), &all);
  std::vector<int> outs;
  for (const OperatorDesc& op : b.graph().operators) outs.push_back(op.outputs[0]);
  all.set_outputs(outs);
  const auto values = run_float(all, samples);
  for (const quantize::TensorReport& row : q->report.tensors) {
    INFO(row.tensor);
    float lo = 0, hi = 0;
    for (const auto& sample : values) {
      for (float v : sample[row.op_index]) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    // minmax: the grid covers the range up to half a step of zero-point rounding.
    CHECK(row.min <= lo + row.scale / 2);
    CHECK(row.max >= hi - row.scale / 2);
  }
  // CONCATENATION's inputs, its output and PAD's output share one quantization.
  const auto& t = q->report.tensors;
  for (size_t i = 1; i < t.size(); ++i) {
    CHECK(t[i].scale == t[0].scale);
    CHECK(t[i].zero_point == t[0].zero_point);
  }
}

TEST_CASE("SOFTMAX output takes the fixed scale 1/256 and zero point -128", "[quantize]") {
  ModelBuilder b;
  build_conv_pool_fc_softmax(&b, 1);
  const std::vector<Sample> samples = random_samples(b.graph(), 8, -1.0f, 1.0f, 2);
  Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, QuantizeOptions{});
  REQUIRE(q.ok());
  const quantize::TensorReport& softmax = q->report.tensors.back();
  CHECK(softmax.op_type == "SOFTMAX");
  CHECK(softmax.scale == 1.0f / 256.0f);
  CHECK(softmax.zero_point == -128);
  // MAX_POOL and RESHAPE keep the conv's quantization.
  CHECK(q->report.tensors[1].scale == q->report.tensors[0].scale);
  CHECK(q->report.tensors[2].zero_point == q->report.tensors[0].zero_point);
}

TEST_CASE("bias correction removes the mean shift per-tensor weights cause", "[quantize]") {
  ModelBuilder b;
  build_fc_mixed_magnitudes(&b, 9);
  // Positive inputs: the weight error times x has a non-zero mean.
  const std::vector<Sample> samples = random_samples(b.graph(), 64, 0.0f, 1.0f, 4);
  const auto reference = run_float(b, samples);
  auto mean_abs_channel_error = [&](bool correct) {
    QuantizeOptions options;
    options.per_tensor_weights = true;
    options.float_io = true;
    options.bias_correction = correct;
    Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
    REQUIRE(q.ok());
    CHECK(q->report.bias_correction == correct);
    const QuantizedRun run = run_quantized(q->model, samples, "reference");
    std::vector<double> mean(8, 0.0);
    for (size_t s = 0; s < samples.size(); ++s) {
      for (int c = 0; c < 8; ++c) mean[c] += reference[s][0][c] - run.dequantized[s][0][c];
    }
    double total = 0;
    for (double m : mean) total += std::fabs(m / samples.size());
    return total / 8;
  };
  const double without = mean_abs_channel_error(false);
  const double with = mean_abs_channel_error(true);
  INFO("mean |error| per channel: " << without << " without, " << with << " with correction");
  CHECK(with < 0.5 * without);
}

TEST_CASE("keep-float leaves the operator float between DEQUANTIZE and QUANTIZE", "[quantize]") {
  ModelBuilder b;
  build_residual_add(&b, 5);
  const std::vector<Sample> samples = random_samples(b.graph(), 8, -1.0f, 1.0f, 6);
  for (const std::string& name : {std::string("conv_b"), std::string("1")}) {
    QuantizeOptions options;
    options.keep_float = {name};
    Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
    REQUIRE(q.ok());
    Result<std::shared_ptr<const Model>> model =
        Model::from_buffer(q->model.data(), q->model.size());
    REQUIRE(model.ok());
    const GraphDesc& g = model.value()->graph();
    std::vector<std::string> types;
    for (const OperatorDesc& op : g.operators) types.push_back(op_type_name(op.type));
    const std::vector<std::string> expected = {"CONV_2D", "DEQUANTIZE", "CONV_2D", "QUANTIZE",
                                               "ADD", "MEAN"};
    CHECK(types == expected);
    const OperatorDesc& kept = g.operators[2];
    CHECK(kept.name == "conv_b");
    CHECK(g.tensors[kept.inputs[0]].dtype == DType::kFloat32);
    CHECK(g.tensors[kept.inputs[1]].dtype == DType::kFloat32);
    CHECK(g.tensors[kept.outputs[0]].dtype == DType::kFloat32);
    REQUIRE(q->report.kept_float.size() == 1);
    const QuantizedRun ref = run_quantized(q->model, samples, "reference");
    CHECK(ref.bytes == run_quantized(q->model, samples, "auto").bytes);
  }
}

TEST_CASE("auto-keep-float keeps operators until the output SQNR budget holds", "[quantize]") {
  ModelBuilder b;
  build_residual_add(&b, 5);
  const std::vector<Sample> samples = random_samples(b.graph(), 8, -1.0f, 1.0f, 6);
  // Float graph inputs and outputs: keeping everything float would give the
  // float model exactly, so the budget can always be met.
  QuantizeOptions plain_options;
  plain_options.float_io = true;
  Result<QuantizeResult> plain = quantize::quantize_graph(b.graph(), samples, plain_options);
  REQUIRE(plain.ok());
  QuantizeOptions options = plain_options;
  options.auto_keep_float = true;
  options.min_sqnr_db = plain->report.output_sqnr_db + 3.0;  // unreachable all-int8
  Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
  REQUIRE(q.ok());
  CHECK(q->report.sensitivity.size() == b.graph().operators.size());
  CHECK_FALSE(q->report.kept_float.empty());
  if (q->report.budget_met) CHECK(q->report.output_sqnr_db >= options.min_sqnr_db);
  CHECK(q->report.output_sqnr_db > plain->report.output_sqnr_db);
  CHECK(q->report.budget_met);
  CHECK(quantize::report_json(q->report).find("\"kept_float\": [\"operator") != std::string::npos);
}

}  // namespace
}  // namespace lowbit

namespace lowbit {
namespace {

TEST_CASE("auto-keep-float under int4 weights keeps the most sensitive layers at int8",
          "[quantize][int4]") {
  ModelBuilder b;
  quantize_test::build_conv_pool_fc_softmax(&b, 8);
  const std::vector<Sample> samples = quantize_test::random_samples(b.graph(), 8, -1.0f, 1.0f, 9);
  QuantizeOptions int8_options;
  Result<QuantizeResult> int8 = quantize::quantize_graph(b.graph(), samples, int8_options);
  REQUIRE(int8.ok());
  QuantizeOptions options;
  options.weight_bits = 4;
  Result<QuantizeResult> int4 = quantize::quantize_graph(b.graph(), samples, options);
  REQUIRE(int4.ok());
  INFO("int8 " << int8->report.output_sqnr_db << " dB, int4 " << int4->report.output_sqnr_db);
  REQUIRE(int4->report.output_sqnr_db < int8->report.output_sqnr_db - 1.0);
  // Every candidate at int8 weights is the int8 model: a budget just under
  // its SQNR is reachable, and only by keeping some layers int8.
  options.auto_keep_float = true;
  options.min_sqnr_db = int8->report.output_sqnr_db - 0.5;
  Result<QuantizeResult> mixed = quantize::quantize_graph(b.graph(), samples, options);
  REQUIRE(mixed.ok());
  CHECK(mixed->report.budget_met);
  CHECK(mixed->report.output_sqnr_db >= options.min_sqnr_db);
  CHECK(mixed->report.sensitivity.size() == 2);  // the CONV_2D and the FULLY_CONNECTED
  CHECK_FALSE(mixed->report.kept_int8.empty());
  CHECK(mixed->report.kept_float.empty());
}

}  // namespace
}  // namespace lowbit

namespace lowbit {
namespace {

TEST_CASE("an operator with an int32 output (ARG_MAX) can be kept float", "[quantize]") {
  ModelBuilder b;
  quantize_test::build_conv_pool_fc_softmax(&b, 4);
  const GraphDesc& g = b.graph();
  const int scores = g.outputs[0];
  const int index = b.add_tensor("argmax", DType::kInt32, Shape{1});
  b.add_operator(OpType::kArgMax, {scores}, {index}, AxisOptions{1}, "argmax");
  b.set_outputs({index, scores});
  const std::vector<Sample> samples = quantize_test::random_samples(b.graph(), 8, -1.0f, 1.0f, 3);
  Result<QuantizeResult> refused = quantize::quantize_graph(b.graph(), samples, QuantizeOptions{});
  CHECK_THAT(refused.status().to_string(),
             Catch::Contains("(ARG_MAX \"argmax\"): cannot be quantized; keep it float with "
                             "--keep-float 5"));
  QuantizeOptions options;
  options.keep_float = {"argmax"};
  Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
  INFO(q.status().to_string());
  REQUIRE(q.ok());
  const auto reference = quantize_test::run_float(b, samples);
  const quantize_test::QuantizedRun run = quantize_test::run_quantized(q->model, samples, "auto");
  int agree = 0;
  for (size_t s = 0; s < samples.size(); ++s) {
    // The int32 output passes through unconverted: the class index itself.
    CHECK(run.bytes[s][0].size() == sizeof(int32_t));
    agree += reference[s][0][0] == run.dequantized[s][0][0];
  }
  CHECK(agree >= 6);  // of 8: near-ties may flip under quantization
}

}  // namespace
}  // namespace lowbit
