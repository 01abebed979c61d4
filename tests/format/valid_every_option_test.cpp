// A graph that passes full verification (every operator's own rules) and
// still uses every options kind: loading it through the public API must
// give back exactly what was built.
#include <catch2/catch.hpp>

#include "format_test_util.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

TEST_CASE("a fully valid graph with every options kind loads unchanged") {
  ModelBuilder builder;
  build_valid_every_option_graph(builder);
  std::vector<bool> kinds_seen(std::variant_size_v<OpOptions>, false);
  for (const OperatorDesc& op : builder.graph().operators) kinds_seen[op.options.index()] = true;
  for (size_t k = 0; k < kinds_seen.size(); ++k) {
    INFO("options kind " << k);
    CHECK(kinds_seen[k]);
  }

  std::unique_ptr<PlacedBytes> file;
  const std::shared_ptr<const Model> model = check_round_trip(builder, &file);
  for (const TensorDesc& t : model->graph().tensors) {
    if (t.is_constant()) CHECK(file->contains(t.data));
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit

namespace lowbit {
namespace testing {
namespace {

TEST_CASE("the valid every-options graph runs end to end") {
  ModelBuilder builder;
  build_valid_every_option_graph(builder);
  std::mt19937 rng(test_seed());
  const std::vector<float> input = random_floats(rng, 256, -1.0f, 1.0f);
  const RunResult run = run_model(builder, {to_bytes(input)});
  INFO(run.status.to_string());
  REQUIRE(run.status.ok());
  REQUIRE(run.outputs.size() == 7);
  CHECK(run.outputs[0].size() == 10 * sizeof(float));
  // pad's border columns are zero.
  const std::vector<float> padded = from_bytes<float>(run.outputs[0]);
  CHECK(padded.front() == 0.0f);
  CHECK(padded.back() == 0.0f);
  // The data movement chain picks pad[1], pad[3], ..., pad[9] (gather takes
  // the second copy of the tiled strided slice of pad[1..9]).
  const std::vector<float> gathered = from_bytes<float>(run.outputs[4]);
  REQUIRE(gathered.size() == 5);
  for (size_t i = 0; i < 5; ++i) CHECK(gathered[i] == padded[1 + 2 * i]);
  // SPACE_TO_DEPTH then DEPTH_TO_SPACE gives the input back.
  CHECK(from_bytes<float>(run.outputs[5]) == input);
  // The LSTM's two steps: the hidden state o * tanh(c) lies in (-1, 1).
  REQUIRE(run.outputs[6].size() == 2);
  for (uint8_t h : run.outputs[6]) CHECK(static_cast<int8_t>(h) > -128);
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
