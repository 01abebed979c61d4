// Every operator's validation, reached through the loader, must turn nonsense
// operands into a clean Status that names the operator — never a crash.
#include <catch2/catch.hpp>

#include "format/lbm_format.h"
#include "format_test_util.h"
#include "graph/validate.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

struct Operands {
  const char* what;
  std::vector<int> inputs;
  std::vector<int> outputs;
};

TEST_CASE("every operator rejects nonsense operands cleanly") {
  ModelBuilder b;
  const int image = b.add_tensor("image", DType::kInt8, {1, 4, 4, 2}, per_tensor(0.5f, 0));
  const int scalar = b.add_tensor("scalar", DType::kFloat32, Shape());
  const int bits = b.add_tensor("bits", DType::kBit, {1, 2, 2, 40});
  const int weights = b.add_constant("weights", DType::kInt8, {2, 3}, std::vector<int8_t>(6, 1),
                                     per_tensor(0.25f, 0));
  const int out = b.add_tensor("out", DType::kFloat32, {1});
  const int out2 = b.add_tensor("out2", DType::kInt32, {7, 7});
  b.set_inputs({image, scalar, bits});
  const GraphDesc base = b.graph();

  const std::vector<Operands> cases = {
      {"no inputs", {}, {out}},
      {"all inputs absent", {kAbsentInput, kAbsentInput, kAbsentInput, kAbsentInput, kAbsentInput},
       {out}},
      {"float scalar into an int32 [7,7]", {scalar}, {out2}},
      {"six images", {image, image, image, image, image, image}, {out}},
      {"image and weights, two outputs", {image, weights}, {out, out2}},
      {"bits, weights, scalar", {bits, weights, scalar, kAbsentInput, scalar}, {out2}},
  };
  for (int type = 0; type < kNumOpTypes; ++type) {
    for (const Operands& operands : cases) {
      GraphDesc g = base;
      OperatorDesc op;
      op.type = static_cast<OpType>(type);
      op.name = "victim";
      op.inputs = operands.inputs;
      op.outputs = operands.outputs;
      op.options = default_options(op.type);
      g.operators.push_back(op);
      g.outputs = operands.outputs;
      INFO(op_type_name(op.type) << " with " << operands.what);
      Result<std::vector<uint8_t>> bytes = serialize_graph(g);
      REQUIRE(bytes.ok());
      const PlacedBytes file(bytes.value(), 0);
      auto model = Model::from_buffer(file.data(), file.size());
      REQUIRE_FALSE(model.ok());
      INFO(model.status().to_string());
      CHECK_THAT(model.status().message(),
                 Catch::StartsWith(std::string("operator 0 (") + op_type_name(op.type) +
                                   " \"victim\"): "));
      CHECK((model.status().code() == StatusCode::kInvalidModel ||
             model.status().code() == StatusCode::kUnsupported));
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
