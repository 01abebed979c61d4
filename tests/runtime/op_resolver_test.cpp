// Op resolvers: the default one has every operator; a MutableOpResolver has
// only what was added, loading through it fails on anything else with a
// message saying what to add, and a model loaded through it runs like one
// loaded through the default resolver.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <random>

#include "graph/op_registration.h"
#include "support/blocks.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Bytes int8_block_bytes() {
  ModelBuilder b;
  build_int8_block(b, 6, 5, 8, 2, 7);  // CONV_2D, DEPTHWISE_CONV_2D, ADD
  auto bytes = b.finish();
  REQUIRE(bytes.ok());
  return bytes.value();
}

Result<std::shared_ptr<const Model>> load(const Bytes& bytes, const OpResolver* resolver) {
  LoadOptions options;
  options.op_resolver = resolver;
  return Model::from_buffer(bytes.data(), bytes.size(), options);
}

Bytes run_once(const std::shared_ptr<const Model>& model, const Bytes& input) {
  Interpreter interpreter(model);
  REQUIRE(interpreter.prepare().ok());
  std::memcpy(interpreter.input(0).data, input.data(), input.size());
  REQUIRE(interpreter.invoke().ok());
  const TensorView out = interpreter.output(0);
  return Bytes(out.as<uint8_t>(), out.as<uint8_t>() + out.bytes);
}

}  // namespace

TEST_CASE("the default resolver has every operator of the list") {
  for (int t = 0; t < kNumOpTypes; ++t) {
    const OpType type = static_cast<OpType>(t);
    INFO(op_type_name(type));
    const OpRegistration* reg = default_op_resolver().find(type);
    REQUIRE(reg != nullptr);
    CHECK(reg->type == type);
    CHECK(reg->validate != nullptr);
    CHECK(reg->create != nullptr);
  }
  CHECK(default_op_resolver().find(static_cast<OpType>(kNumOpTypes)) == nullptr);
}

TEST_CASE("a MutableOpResolver finds only the operators added to it") {
  MutableOpResolver ops;
  CHECK(ops.find(OpType::kConv2D) == nullptr);
  ops.add(kConv2DOp).add(kSoftmaxOp).add(kConv2DOp);
  CHECK(ops.find(OpType::kConv2D) == &kConv2DOp);
  CHECK(ops.find(OpType::kSoftmax) == &kSoftmaxOp);
  CHECK(ops.find(OpType::kAdd) == nullptr);
  CHECK(ops.find(static_cast<OpType>(kNumOpTypes)) == nullptr);
}

TEST_CASE("loading through a resolver that lacks an operator names it and what to add") {
  const Bytes bytes = int8_block_bytes();
  MutableOpResolver ops;
  ops.add(kConv2DOp).add(kDepthwiseConv2DOp);
  auto model = load(bytes, &ops);
  REQUIRE(!model.ok());
  CHECK(model.status().code() == StatusCode::kUnsupported);
  CHECK_THAT(model.status().message(),
             Catch::Contains("(ADD") &&
                 Catch::Contains("ADD is not in the op resolver (add kAddOp to a "
                                 "MutableOpResolver; C: lowbit_op_Add())"));
}

TEST_CASE("a model loaded through a MutableOpResolver runs as with the default resolver") {
  const Bytes bytes = int8_block_bytes();
  std::shared_ptr<const Model> resolved;
  {
    // The resolver is needed only while loading.
    MutableOpResolver ops;
    ops.add(kConv2DOp).add(kDepthwiseConv2DOp).add(kAddOp);
    auto model = load(bytes, &ops);
    INFO(model.status().to_string());
    REQUIRE(model.ok());
    resolved = model.value();
  }
  auto full = load(bytes, nullptr);
  REQUIRE(full.ok());
  for (size_t i = 0; i < resolved->graph().operators.size(); ++i) {
    CHECK(resolved->op_registration(i) == full.value()->op_registration(i));
  }
  CHECK(resolved->op_registration(resolved->graph().operators.size()) == nullptr);

  std::mt19937 rng(test_seed());
  Interpreter probe(resolved);
  REQUIRE(probe.prepare().ok());
  const Bytes input = random_ints<uint8_t>(rng, probe.input(0).bytes, 0, 255);
  CHECK(run_once(resolved, input) == run_once(full.value(), input));
}
