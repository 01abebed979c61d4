// lowbit-quantize fuses a standalone RELU / RELU6 into the operator before it
// (quantize/activation_folding.h) unless --keep-float names either.
#include <catch2/catch.hpp>

#include <variant>

#include "quantize/quantize_test_util.h"

using namespace lowbit;
using namespace lowbit::quantize_test;
using quantize::QuantizeOptions;
using quantize::QuantizeResult;

namespace {

std::shared_ptr<const Model> load(const std::vector<uint8_t>& lbm) {
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(lbm.data(), lbm.size());
  REQUIRE(model.ok());
  return model.value();
}

int count_ops(const GraphDesc& g, OpType type) {
  int n = 0;
  for (const OperatorDesc& op : g.operators) n += op.type == type;
  return n;
}

}  // namespace

TEST_CASE("standalone RELU and RELU6 become their convolution's fused activation",
          "[quantize]") {
  ModelBuilder b;
  build_standalone_activations(&b, 5);
  const std::vector<Sample> samples = random_samples(b.graph(), 16, -1.0f, 1.0f, 3);

  QuantizeOptions options;
  Result<QuantizeResult> q = quantize::quantize_graph(b.graph(), samples, options);
  INFO(q.status().to_string());
  REQUIRE(q.ok());
  // relu_a's input has one reader (the RELU) and so has relu6_b's: both fold.
  CHECK(q->report.folded_activations == 2);
  std::shared_ptr<const Model> model = load(q->model);
  const GraphDesc& g = model->graph();
  CHECK(count_ops(g, OpType::kRelu) == 0);
  CHECK(count_ops(g, OpType::kRelu6) == 0);
  std::vector<Activation> conv_activations;
  for (const OperatorDesc& op : g.operators) {
    if (op.type == OpType::kConv2D) {
      conv_activations.push_back(std::get<Conv2DOptions>(op.options).activation);
    }
  }
  CHECK(conv_activations == std::vector<Activation>{Activation::kRelu, Activation::kRelu6});
  // The fused convolutions write the RELUs' tensors: ranges start at 0.
  for (const quantize::TensorReport& t : q->report.tensors) {
    if (t.tensor == "relu_a" || t.tensor == "relu6_b") CHECK(t.min >= 0.0f);
  }
  const QuantizedRun ref = run_quantized(q->model, samples, "reference");
  const QuantizedRun best = run_quantized(q->model, samples, "auto");
  CHECK(ref.bytes == best.bytes);
  CHECK(sqnr_db(run_float(b, samples), ref.dequantized) > 25.0);

  SECTION("--keep-float on a RELU keeps it and its producer apart") {
    options.keep_float = {"relu_a"};
    Result<QuantizeResult> kept = quantize::quantize_graph(b.graph(), samples, options);
    INFO(kept.status().to_string());
    REQUIRE(kept.ok());
    CHECK(kept->report.folded_activations == 1);
    std::shared_ptr<const Model> kept_model = load(kept->model);
    CHECK(count_ops(kept_model->graph(), OpType::kRelu) == 1);
    CHECK(count_ops(kept_model->graph(), OpType::kRelu6) == 0);
  }
}
